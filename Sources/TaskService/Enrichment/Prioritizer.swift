import Foundation
import Inference

/// Coefficients of the urgency score. Priority = high when the sum of
/// coefficient × term reaches `highAt`, medium from `mediumAt`, else low.
/// Every default is documented in docs/ai-design.md.
public struct PriorityCoefficients: Codable, Sendable, Equatable {
    public var overdue: Double = 2.5
    public var dueWithin2Days: Double = 2.0
    public var dueWithinWeek: Double = 1.0
    public var dueWithin2Weeks: Double = 0.3
    /// Urgency said in the text: a cue word ("urgent", "ASAP", "!!") or a clause close in meaning to urgent phrasing.
    public var urgencyInText: Double = 2.0
    /// Cosine of a clause with the urgent phrasings above which the text counts as urgent.
    public var urgencyMeaningThreshold: Double = 0.6
    /// A minor task (nearer minor chores than consequential ones) loses this much when a date makes it pressing.
    public var minorTask: Double = -1.0
    /// "stakes" (consequential minus minor similarity) below which a task counts as minor.
    public var minorThreshold: Double = -0.13
    /// Lead time said in the text ("slots fill up weeks ahead", "rate lock") lifts an otherwise low task.
    public var leadTime: Double = 1.0
    public var leadTimeThreshold: Double = 0.6
    /// Per day a task has been open, up to `ageCap`.
    public var agePerDay: Double = 0.02
    public var ageCap: Double = 0.5
    public var highAt: Double = 2.0
    public var mediumAt: Double = 1.0

    public init() {}
}

/// What the text says about urgency, measured once per text (and cached); the date terms are computed at use.
public struct PrioritySignals: Codable, Sendable, Equatable {
    /// An urgency cue word found, if any.
    public var urgencyCue: String?
    /// Highest cosine of a clause with the urgent phrasings.
    public var urgencyMeaning: Double
    /// Consequential minus minor: positive when the task resembles things with consequences.
    public var stakes: Double
    /// Highest cosine of a clause with lead-time phrasings.
    public var leadTime: Double
}

/// One term of the sum, for `todo explain`.
public struct PriorityTerm: Codable, Sendable, Equatable {
    public var name: String
    public var coefficient: Double
    public var value: Double
    public var why: String
    public var contribution: Double { coefficient * value }
}

public struct PriorityExplanation: Codable, Sendable, Equatable {
    public var terms: [PriorityTerm]
    public var score: Double
    public var priority: TodoTask.Priority
}

/// Priority as an explainable urgency score: a sum of coefficient × term.
public struct Prioritizer: Sendable {
    public var coefficients: PriorityCoefficients

    public init(coefficients: PriorityCoefficients) { self.coefficients = coefficients }

    /// Urgency cue patterns (case-insensitive regular expressions, whole words).
    static let urgencyCues = [#"\burgent(ly)?\b"#, #"\basap\b"#, #"\bimmediately\b"#, #"\bright away\b"#, #"\bcritical\b"#,
                              #"\bemergency\b"#, #"\bblock(ing|er)\b"#, #"\b(top|high) priority\b"#, "!!",
                              #"\bbefore the ([\w-]+ ){0,3}audit\b"#, #"\bdeadline (is )?today\b"#]
    private static let urgencyPatterns = urgencyCues.map { try! NSRegularExpression(pattern: $0, options: [.caseInsensitive]) }

    /// A negation just before a cue: "not urgent", "non-urgent", "isn't really critical", "no emergency".
    private static let negation = try! NSRegularExpression(pattern: #"\b(not|no|non|isn'?t|never)[\s-]+((really|very|that|so|too|a|an|the)\s+)?$"#,
                                                           options: [.caseInsensitive])

    /// The urgency cue `text` says, if any; `denied` when its only cues are negated ("not urgent:
    /// sort the old photos"), so that neither the cue nor a clause reading like urgency counts.
    static func urgencyCue(in text: String) -> (cue: String?, denied: Bool) {
        let range = NSRange(text.startIndex..., in: text)
        var denied = false
        for p in urgencyPatterns {
            for m in p.matches(in: text, range: range) {
                guard let r = Range(m.range, in: text) else { continue }
                let before = String(text[text.index(r.lowerBound, offsetBy: -min(24, text.distance(from: text.startIndex, to: r.lowerBound)))..<r.lowerBound])
                if negation.firstMatch(in: before, range: NSRange(before.startIndex..., in: before)) != nil { denied = true } else { return (String(text[r]), false) }
            }
        }
        return (nil, denied)
    }

    static let urgentPhrasings = ["This is urgent", "Has to happen right away", "Blocking the release", "Must be done before the audit",
                                  "Do it immediately", "Emergency", "We lose it if nobody acts now", "Leaked credentials, act now",
                                  "Last chance, the deadline is today", "Critical security issue"]
    static let leadTimePhrasings = ["Book early, slots fill up weeks in advance", "Lock the rate before it goes up", "Registration closes soon", "Needs weeks of lead time",
                                    "Appointments are booked out for weeks", "Use it or lose it", "Offer ends soon",
                                    "Reservations open weeks ahead and sell out fast", "Tickets sell out quickly", "Places are limited, sign up early",
                                    "The notice period is one month", "Processing takes several weeks", "Delivery takes a few weeks",
                                    "There is a long waiting list", "The early-bird price ends soon", "Prices go up next month"]
    static let minorTasks = ["Water the plants", "Send the routine weekly update", "Take out the trash", "Tidy the desk",
                             "Reply to a friend's message", "Buy a new toothbrush", "Write up meeting notes", "Start drinking more water",
                             "Return the borrowed book to a neighbour", "Buy a new mug", "Attend an optional webinar", "Go for a jog",
                             "Try a new recipe", "Update my profile picture", "Clean the car", "Read an article", "Start taking vitamins",
                             "Sort the photos", "Mow the lawn", "Buy a doormat", "Reply to the group chat about dinner", "Practise guitar",
                             "Order more coffee beans", "Bake cookies", "Watch a tutorial", "Organise the bookshelf",
                             "Call a friend to catch up", "Try a new running route", "Buy a plant for the balcony", "Clean out the inbox",
                             "Stretch for ten minutes", "Pick up a parcel for the neighbour", "Write notes from the call",
                             "Rearrange the furniture", "Start a journal", "Buy new socks", "Start eating breakfast", "Walk to work this week",
                             "Drink less coffee", "Listen to the new podcast episode", "Clean the keyboard", "Buy a spare phone charger",
                             "Text Anna back about the film", "Give back the board game", "Post the holiday photos", "Try the new café",
                             "Floss every day", "Do the weekly team newsletter", "Tidy the garage shelf", "Buy new kitchen towels",
                             "Polish my shoes", "Note down ideas for the blog", "Start meditating", "Go to bed earlier", "Join the book club chat"]
    static let consequentialTasks = ["Pay the overdue bill", "Pick up my child from the airport", "See a doctor about chest pain",
                                     "Renew the expiring passport", "Pay the rent", "Submit the tax return", "Fix the production outage",
                                     "Sign the contract before it expires", "Take the prescribed antibiotics",
                                     "Submit the final assignment for grading", "Send money to family who need it",
                                     "Get the vaccination before the trip", "Renew the visa", "Respond to the landlord about the lease",
                                     "Rotate the leaked password", "Return the item before the return window closes",
                                     "Register before registration closes", "Pay the fine", "Book the flight before prices rise",
                                     "Finish the client deliverable", "Call the bank about fraud on my card",
                                     "Get the car through its safety inspection", "File the insurance claim before the deadline",
                                     "Collect the medication the doctor prescribed today", "Apply for the residence permit renewal",
                                     "Sign the lease extension", "Submit the grant application", "Pay the school fees before the deadline",
                                     "Fix the broken heating in winter", "Transfer the deposit for the new flat",
                                     "Take my mother to the hospital appointment", "Send the signed documents to the notary",
                                     "Patch the vulnerable server", "Cancel the contract before it renews", "Renew the domain before it expires",
                                     "Pick up grandma from the station", "Pay the electricity bill before they cut the power",
                                     "Get the sick cat to the vet", "Hand in the dissertation", "Appeal the parking fine before the deadline",
                                     "Sign the mortgage papers", "Restore the backup after the server crash", "Get the broken tooth treated",
                                     "Book the exam retake before registration closes", "Reply to the job offer before it lapses",
                                     "Send the contract to the client for signature", "Feed the pets while the neighbours are away",
                                     "Take the kids to their vaccination", "Call the insurer about the car accident", "Buy food, the fridge is empty",
                                     "Present the results to the board", "Renew the expired driving licence", "Collect the keys for the new flat",
                                     "Ship the order the customer paid for", "Call mum on her birthday"]

    /// The text-only part: cue words here, meaning from vectors the caller computed. Lead time
    /// is also looked for in `pieceVectors` (clauses cut at commas too): it is often an aside,
    /// and a long clause dilutes it. Urgency is not: "so do it before the 1st" alone reads as
    /// "do it immediately".
    static func signals(title: String, description: String, clauseVectors: [[Float]], pieceVectors: [[Float]] = [], titleVector: [Float],
                        urgent: [[Float]], lead: [[Float]], minor: [[Float]], consequential: [[Float]]) -> PrioritySignals {
        // In the title and the start of the description only (`TextFeatures.descriptionStart`).
        let head = title + " " + String(description.prefix(TextFeatures.descriptionStart))
        let (cue, denied) = urgencyCue(in: head)
        func best(_ bank: [[Float]], in vectors: [[Float]]) -> Double { vectors.map { v in bank.map { Double(VectorMath.dot(v, $0)) }.max() ?? 0 }.max() ?? 0 }
        func meanTop(_ bank: [[Float]], _ k: Int) -> Double {
            let s = bank.map { Double(VectorMath.dot(titleVector, $0)) }.sorted(by: >).prefix(k)
            return s.isEmpty ? 0 : s.reduce(0, +) / Double(s.count)
        }
        return PrioritySignals(urgencyCue: cue, urgencyMeaning: denied ? 0 : best(urgent, in: clauseVectors), stakes: meanTop(consequential, 3) - meanTop(minor, 3),
                               leadTime: best(lead, in: clauseVectors + pieceVectors))
    }

    public func explain(signals s: PrioritySignals, due: Date?, created: Date, now: Date = Date()) -> PriorityExplanation {
        let c = coefficients
        var terms: [PriorityTerm] = []
        var dueTermActive = false
        if let due {
            let bucket = DueBucket(due: due, now: now)
            let calendar = Calendar.current
            let days = due.timeIntervalSince(now) / 86_400
            let shown = calendar.dateComponents([.day], from: calendar.startOfDay(for: now), to: calendar.startOfDay(for: due)).day ?? Int(days.rounded(.up))
            let why: String
            switch bucket {
            case .overdue: why = days > -1 ? "was due \(Self.hourText(-days * 24)) ago" : "was due \(Self.dayText(-Int(days.rounded(.towardZero)))) ago"
            case .within2Days: why = shown <= 0 ? "due today" : shown == 1 ? "due tomorrow" : "due in \(Self.dayText(shown))"
            case .withinWeek, .within2Weeks, .later: why = "due in \(Self.dayText(shown))"
            }
            if bucket != .later { terms.append(PriorityTerm(name: bucket.name, coefficient: c.term(bucket), value: 1, why: why)) }
            dueTermActive = bucket <= .withinWeek
        }
        if let cue = s.urgencyCue {
            terms.append(PriorityTerm(name: "urgency in the text", coefficient: c.urgencyInText, value: 1, why: "says \"\(cue)\""))
        } else if s.urgencyMeaning >= c.urgencyMeaningThreshold {
            terms.append(PriorityTerm(name: "urgency in the text", coefficient: c.urgencyInText, value: 1,
                                      why: String(format: "reads as urgent (similarity %.2f)", s.urgencyMeaning)))
        }
        if dueTermActive && s.stakes < c.minorThreshold {
            terms.append(PriorityTerm(name: "minor task", coefficient: c.minorTask, value: 1,
                                      why: String(format: "resembles small chores more than consequential tasks (stakes %.2f)", s.stakes)))
        }
        let age = max(0, now.timeIntervalSince(created) / 86_400)
        if c.agePerDay > 0 && age >= 1 {
            let value = min(age, c.ageCap / c.agePerDay)
            terms.append(PriorityTerm(name: "age", coefficient: c.agePerDay, value: value, why: "open for \(Self.dayText(Int(age)))"))
        }
        var score = terms.reduce(0) { $0 + $1.contribution }
        if score < c.mediumAt && s.leadTime >= c.leadTimeThreshold {
            terms.append(PriorityTerm(name: "lead time", coefficient: c.leadTime, value: 1,
                                      why: String(format: "needs acting ahead (similarity %.2f)", s.leadTime)))
            score += c.leadTime
        }
        let priority: TodoTask.Priority = score >= c.highAt ? .high : score >= c.mediumAt ? .medium : .low
        return PriorityExplanation(terms: terms, score: score, priority: priority)
    }

    /// The date part alone, for sorting lists by urgency without any model: the stored priority's
    /// weight plus the due-date term, the earlier due date first among equals (the longest
    /// overdue first). (`TaskStore.mostUrgent` orders by the same rule in SQL, one indexed
    /// query per priority and `DueBucket`, each in due-date order.)
    public func urgency(of task: TodoTask, now: Date = Date()) -> Double {
        let base = weight(of: task.priority)
        guard let due = task.due else { return base }
        let bucket = DueBucket(due: due, now: now)
        let days = due.timeIntervalSince(now) / 86_400
        return base + coefficients.term(bucket) + Self.dueTieBreak(days: days)
    }

    /// Among equals, the earlier due date first (the longest overdue first), and any date before
    /// none: a share of 1e-4 that falls with the days left and stays above 0, so it never
    /// outweighs a term and an undated task (which adds nothing) never passes a dated one.
    static func dueTieBreak(days: Double) -> Double {
        1e-4 * (0.5 - atan(days / 30) / Double.pi)
    }

    /// A stored priority's weight in `urgency`: high counts as `highAt`, medium as `mediumAt`.
    public func weight(of priority: TodoTask.Priority?) -> Double {
        switch priority { case .high: coefficients.highAt; case .medium: coefficients.mediumAt; case .low, nil: 0 }
    }

    static func dayText(_ n: Int) -> String { n == 1 ? "1 day" : "\(n) days" }
    static func hourText(_ hours: Double) -> String { hours < 1 ? "less than an hour" : hours < 1.5 ? "1 hour" : "\(Int(hours.rounded())) hours" }
}

/// Where a due date stands for the urgency sum — one rule for `explain`, `list`'s order and its
/// SQL: overdue once it has passed (a minute's slack: "in 2 days", stored at millisecond
/// precision, is still 2 days), then within 2 days, a week, 2 weeks, or later.
public enum DueBucket: Int, CaseIterable, Comparable, Sendable {
    case overdue, within2Days, withinWeek, within2Weeks, later

    /// Upper ends of the buckets, in days from now (the bucket holds due dates up to and including it; overdue: before it).
    static let limits: [DueBucket: Double] = [.overdue: 0, .within2Days: 2, .withinWeek: 7, .within2Weeks: 14]
    static let slack: TimeInterval = 60

    public init(due: Date, now: Date) {
        let t = due.timeIntervalSince1970
        if t < Self.boundary(.overdue, now: now) { self = .overdue }
        else { self = Self.allCases.dropFirst().first { $0 == .later || t <= Self.boundary($0, now: now) } ?? .later }
    }

    /// The due time (seconds since 1970) where the bucket ends; `later` has no end.
    static func boundary(_ bucket: DueBucket, now: Date) -> Double {
        now.timeIntervalSince1970 + slack + (limits[bucket] ?? .infinity) * 86_400
    }

    /// Due dates in this bucket, in seconds since 1970, as SQL bounds: `lower < due` (or `>=` for
    /// the first dated bucket after overdue) and `due <= upper` (`<` for overdue).
    public func sqlCondition(now: Date) -> (sql: String, arguments: [Double]) {
        switch self {
        case .overdue: return ("due < ?", [Self.boundary(.overdue, now: now)])
        case .within2Days: return ("due >= ? AND due <= ?", [Self.boundary(.overdue, now: now), Self.boundary(.within2Days, now: now)])
        case .withinWeek: return ("due > ? AND due <= ?", [Self.boundary(.within2Days, now: now), Self.boundary(.withinWeek, now: now)])
        case .within2Weeks: return ("due > ? AND due <= ?", [Self.boundary(.withinWeek, now: now), Self.boundary(.within2Weeks, now: now)])
        case .later: return ("due > ?", [Self.boundary(.within2Weeks, now: now)])
        }
    }

    public static func < (a: DueBucket, b: DueBucket) -> Bool { a.rawValue < b.rawValue }

    var name: String {
        switch self {
        case .overdue: "overdue"
        case .within2Days: "due within 2 days"
        case .withinWeek: "due within a week"
        case .within2Weeks: "due within 2 weeks"
        case .later: "due later"
        }
    }
}

extension PriorityCoefficients {
    /// The coefficient of a due bucket's term (0 beyond two weeks).
    public func term(_ bucket: DueBucket) -> Double {
        switch bucket {
        case .overdue: overdue
        case .within2Days: dueWithin2Days
        case .withinWeek: dueWithinWeek
        case .within2Weeks: dueWithin2Weeks
        case .later: 0
        }
    }
}
