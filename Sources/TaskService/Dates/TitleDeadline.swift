import Foundation

/// A deadline the title states outright — "Pay the bill by friday", "Submit the report
/// before 2026-12-01", "Call mom tomorrow", "Renew the lease due in 3 days" — so `add`
/// sets the due date the user already wrote ("before" a day: the day before's end). Only explicit forms count: by, before,
/// until, till, due or on followed by a date `DueDateParser` reads ("by dec 1", "on friday
/// 5pm", "by 17:00", "by midnight", "due next week"), or today, tonight, tomorrow or the day after tomorrow, with a time if one
/// follows. Never inside double quotes, nor a capitalized day inside the title (both are names). A weekday
/// alone ("Team sync Monday") may be a habit, not a deadline, and dates in the description
/// are often about something else ("the practical is thursday"), so neither is read.
public struct TitleDeadline: Sendable, Equatable {
    /// The words that said it, as typed ("by friday").
    public var phrase: String
    public var date: Date

    static let prepositions: Set<String> = ["by", "before", "until", "till", "due", "on"]

    /// A deadline the title states in words that name no date ("by 2026-02-30", "by friday the
    /// 13th" when the 13th is a Sunday): said to the user, rather than no due date or a wrong
    /// one (the Friday after) set in silence.
    public struct Unreadable: Sendable, Equatable {
        public var phrase: String
        public var reason: String
    }

    public static func find(in title: String, parser: DueDateParser = DueDateParser(), now: Date = Date()) -> TitleDeadline? {
        read(in: title, parser: parser, now: now).deadline
    }

    /// The deadline the title states; when it states none that reads, the first stated one that
    /// names no date.
    public static func read(in title: String, parser: DueDateParser = DueDateParser(), now: Date = Date()) -> (deadline: TitleDeadline?, unreadable: Unreadable?) {
        // Words with the punctuation around them dropped and a possessive removed ("tomorrow's").
        let raw = title.split(whereSeparator: \.isWhitespace).map(String.init)
        let punctuation = CharacterSet(charactersIn: ",.;:!?()[]\"“”'‘’")
        func said(_ words: ArraySlice<String>) -> String { words.joined(separator: " ").trimmingCharacters(in: punctuation) }
        let words = raw.map { word -> String in
            let w = word.lowercased().trimmingCharacters(in: punctuation)
            return TextFeatures.withoutPossessive(w) ?? w
        }
        // The longest date starting at `start`: "dec 1 2026 17:00" (4 words), "in 3 days" (3),
        // "friday" (1). Words recognisably meant as a date that name none ("2026-02-30", "friday
        // the 13th" on a Sunday) stop there: no shorter reading ("friday") stands in for them.
        // A bare number last is no such sign ("by friday 13 invoices"), unless a month leads ("by feb 30").
        func longestDate(from start: Int) -> Reading? {
            guard start < words.count, dateStarts.contains(words[start]) || words[start].first.map({ $0.isNumber || $0 == "+" }) == true
            else { return nil }  // numbers: ISO dates, "1 dec", 5pm, +2w
            for length in stride(from: 4, through: 1, by: -1) where start + length <= words.count {
                let candidate = words[start..<(start + length)].joined(separator: " ")
                do { return .date(length, try parser.parse(candidate, now: now)) } catch let failure as DueDateParser.Failure
                    where failure.reason != nil && (!words[start + length - 1].allSatisfy(\.isNumber) || monthStarts.contains(words[start])) {
                    return .unreadable(length, failure.reason!)
                } catch {
                    continue
                }
            }
            return nil
        }
        let quoted = quotedWords(raw)
        var unreadable: Unreadable?
        for (i, word) in words.enumerated() where !quoted[i] {
            // The date follows a preposition ("by friday"); a bare day is the date itself.
            let dateAt: Int
            if prepositions.contains(word) {
                dateAt = i + 1
            } else if bareDays.contains(word), i == 0 || raw[i].first?.isUppercase != true {
                // A capitalized "Today" or "Tomorrow" inside the title is a name: "Watch The Day After
                // Tomorrow", "the Today programme".
                dateAt = i
            } else {
                continue
            }
            switch longestDate(from: dateAt) {
            case .date(let length, var date)?:
                // "before tuesday" is done by Monday night; "before 5pm tuesday", "before midnight" name their time.
                if word == "before", !words[dateAt..<(dateAt + length)].contains(where: saysATime) {
                    date = parser.calendar.date(byAdding: .day, value: -1, to: date) ?? date
                }
                return (TitleDeadline(phrase: said(raw[i..<(dateAt + length)]), date: date), nil)
            case .unreadable(let length, let reason)?:
                unreadable = unreadable ?? Unreadable(phrase: said(raw[i..<(dateAt + length)]), reason: reason)
            case nil:
                continue
            }
        }
        return (nil, unreadable)
    }

    private enum Reading {
        case date(Int, Date)
        case unreadable(Int, String)
    }

    /// A word of a date that gives its time of day ("17:00", "5pm", "noon", "midnight", "tonight").
    static func saysATime(_ word: String) -> Bool {
        word.contains(":") || ["noon", "midnight", "tonight"].contains(word)
            || ((word.hasSuffix("am") || word.hasSuffix("pm")) && word.first?.isNumber == true)
    }

    /// Days a title may name without a preposition ("Call mom tomorrow", "the day after tomorrow").
    static let bareDays: Set<String> = ["today", "tonight", "tomorrow", "tmrw", "day"]

    /// Which words are inside double quotes: a quoted title ("Read “Tomorrow, and Tomorrow”") names
    /// a book or a film, not a deadline.
    static func quotedWords(_ raw: [String]) -> [Bool] {
        let quotes: Set<Character> = ["\"", "“", "”", "«", "»", "„"]
        var inside = false
        return raw.map { word in
            // Punctuation after a closing quote is not part of it: `Tomorrow”,`.
            let core = Array(word.reversed().drop { ",.;:!?)".contains($0) }.reversed())
            let lone = core.count == 1
            let opens = core.first.map { quotes.contains($0) } ?? false
            let closes = (core.count > 1 && quotes.contains(core.last!)) || (lone && opens && inside)
            if opens && !(lone && inside) { inside = true }
            defer { if closes { inside = false } }
            return inside
        }
    }

    /// The months' names and their three-letter abbreviations.
    static let monthStarts: Set<String> = Set(DueDateParser.months + DueDateParser.months.map { String($0.prefix(3)) })
    /// Words a date may start with. The parser also reads weekday and month prefixes ("thur",
    /// "decem"); in running text only whole names and their usual abbreviations count, so "on
    /// sunscreen", "by satellite" or "on mars" are not dates.
    static let dateStarts: Set<String> = monthStarts.union(DueDateParser.weekdays
        + ["mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "sept"]
        + ["today", "tonight", "tomorrow", "tmrw", "day", "next", "this", "in", "eom", "end", "noon", "midnight"])
}
