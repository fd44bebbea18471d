import Foundation

/// Due dates as people type them. A day — ISO (2026-12-01), today, tonight, tomorrow (tmrw),
/// the day after tomorrow, yesterday (to record something already late),
/// weekday names (the next such day, never today), "this friday" (today if it is Friday),
/// "next friday" (the Friday of next week), "next week" (its Monday), "next month" (its first
/// day), "weekend" / "this weekend" (this week's Saturday), "next weekend" (next week's),
/// "eow" / "end of week" (this week's Sunday; weeks start on Monday), a month and day ("dec 1",
/// "1 December 2026", "Dec 1st", "19.12.2026" and "19.12." day first, "25/12" and "12/25" where
/// only one order is a date; without a year the first such day at most 30 days ago), a weekday and a day of the month
/// ("friday the 13th": the next 13th, which must be that weekday), "in 3 days", "+2w" / "+5d" /
/// "+1m", "3 days ago" / "-3d", "eom" / "end of month" — optionally followed by a time ("17:00", "5pm", "9:30am",
/// "noon", "midnight" (the end of that day), with or without "at"). A time alone is its next
/// occurrence; "in 3 hours", "+90min" count from now. Without a time a date is due at the end
/// of its day. An instant as exports and the API write it ("2026-12-04T10:00:00.000Z", or with
/// an offset, seconds optional) is that instant. "1/2" is refused as ambiguous (day first or
/// month first), and so is an hour alone after a day ("monday 9": 9am or 9pm?).
public struct DueDateParser: Sendable {
    public var calendar: Calendar

    public init(calendar: Calendar = .current) { self.calendar = calendar }

    /// In `Calendar`'s order (Sunday first), so an index is a weekday number minus one.
    static let weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                         "november", "december"]

    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var input: String
        /// What is wrong, when the input is recognisably a date with a bad part ("February has 28
        /// days in 2027", "month 13"); nil when it is not a form we read at all.
        public var reason: String?

        public init(input: String, reason: String? = nil) {
            self.input = input
            self.reason = reason
        }

        public var description: String {
            if let reason { return "cannot read '\(input)' as a date: \(reason)" }
            return "cannot read '\(input)' as a date; try 2026-12-01, \"dec 1\", tomorrow, friday, \"next friday 9am\", \"in 3 days\", +2w or eom"
        }
    }

    /// A date as understood, and what was changed to make it one.
    public struct DueDate: Sendable, Equatable {
        public var date: Date
        /// Set when the time asked for does not exist that day (a daylight-saving gap) and the
        /// date holds the time the calendar moved it to, e.g. "02:30 does not exist on
        /// 2027-03-14 in America/New_York (the clocks go forward): due 03:30".
        public var adjustment: String?
    }

    /// Years a due date may have: the dates people plan by (a year such as 1 or 99999 is a typo).
    public static let years = 1970...9999

    public func parse(_ text: String, now: Date = Date()) throws -> Date {
        try understand(text, now: now).date
    }

    /// The date `text` names, and any adjustment made to it; a `Failure` naming what is wrong otherwise.
    public func understand(_ text: String, now: Date = Date()) throws -> DueDate {
        // Its year is judged where every stored date is (`TaskRules`), naming the field.
        switch TaskOutput.readISO(Self.withSeconds(text.trimmingCharacters(in: .whitespaces))) {
        case .instant(let date): return DueDate(date: date, adjustment: nil)
        case .impossible: throw Failure(input: text, reason: "that day or time does not exist (an instant is written 2026-12-04T10:00:00Z)")
        case .notAnInstant: break
        }
        do {
            var words = Self.words(text)
            // "in 3 hours", "+90min": from now, to the minute; no day or time may follow.
            if let offset = try Self.relativeOffset(words.joined(separator: " ")), offset.hour != nil || offset.minute != nil {
                let due = calendar.date(byAdding: offset, to: now)!
                try Self.checkYear(calendar.component(.year, from: due))
                return DueDate(date: due)
            }
            let time = try Self.takeTime(from: &words)
            let today = calendar.startOfDay(for: now)
            let day: Date
            if words.isEmpty {
                // "5pm": today's, or tomorrow's once today's has passed.
                guard let time else { throw Failure(input: text) }
                let at = try self.at(time, on: today)
                if at.date >= now { return at }
                day = calendar.date(byAdding: .day, value: 1, to: today)!
            } else {
                guard let found = try self.day(words, today: today) else { throw Failure(input: text) }
                day = found
            }
            let due = try at(time ?? (23, 59, 59), on: day)
            try Self.checkYear(calendar.component(.year, from: due.date))
            return due
        } catch let reason as Reason {
            throw Failure(input: text, reason: reason.text)
        }
    }

    /// What is wrong with something recognisably meant as a date or a time.
    struct Reason: Error { var text: String }

    /// An instant written to the minute ("2026-12-19T23:59Z") as one to the second, which is how
    /// `TaskOutput.readISO` reads instants.
    static func withSeconds(_ s: String) -> String {
        guard let m = s.wholeMatch(of: /(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(Z|[+-]\d{2}:\d{2})/) else { return s }
        return m.1 + ":00" + m.2
    }

    static func checkYear(_ year: Int) throws {
        guard years.contains(year) else { throw Reason(text: "year \(year) is outside \(years.lowerBound) to \(years.upperBound)") }
    }

    /// Lowercased words; commas dropped ("Dec 1, 2026"), "2026-12-01T17:00" split at the T.
    static func words(_ text: String) -> [String] {
        var s = text.lowercased().replacingOccurrences(of: ",", with: " ")
        if let t = s.range(of: #"^\s*\d{4}-\d{1,2}-\d{1,2}t"#, options: .regularExpression) {
            s.replaceSubrange(s.index(before: t.upperBound)..<t.upperBound, with: " ")
        }
        return s.split(whereSeparator: \.isWhitespace).map(String.init)
    }

    /// Removes a trailing time of day ("17:00", "5pm", "5 pm", "9:30am", "noon", after an optional
    /// "at"). A last word shaped like a time that is none ("25:00", "13pm") is an error, not a date word.
    static func takeTime(from words: inout [String]) throws -> (Int, Int, Int)? {
        guard let last = words.last else { return nil }
        var spoken = last, used = 1
        if (last == "am" || last == "pm"), words.count >= 2 { spoken = words[words.count - 2] + last; used = 2 }
        guard let time = timeOfDay(spoken) else {
            guard looksLikeTime(spoken) else { return nil }
            throw Reason(text: spoken.hasSuffix("am") || spoken.hasSuffix("pm")
                         ? "\(spoken) is not a time of day (1 to 12 before am or pm, minutes 0 to 59)"
                         : "\(spoken) is not a time of day (hours 0 to 23, minutes 0 to 59)")
        }
        words.removeLast(used)
        if words.last == "at" { words.removeLast() }
        return time
    }

    /// "25:00", "9:75", "13pm": digits with a colon or before am/pm, the shape of a time.
    static func looksLikeTime(_ s: String) -> Bool {
        var body = Substring(s)
        let meridiem = s.hasSuffix("am") || s.hasSuffix("pm")
        if meridiem { body = body.dropLast(2) }
        guard let first = body.first, first.isASCIIDigit, body.allSatisfy({ $0.isASCIIDigit || $0 == ":" }) else { return false }
        return meridiem || body.contains(":")
    }

    static func timeOfDay(_ s: String) -> (Int, Int, Int)? {
        if s == "noon" { return (12, 0, 0) }
        // "friday midnight" is the night Friday ends, the last moment of the day, not its start.
        if s == "midnight" { return (23, 59, 59) }
        var body = Substring(s), meridiem: String?
        if s.hasSuffix("am") || s.hasSuffix("pm") { meridiem = String(s.suffix(2)); body = body.dropLast(2) }
        let parts = body.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts.allSatisfy({ (1...2).contains($0.count) && $0.allSatisfy(\.isASCIIDigit) }),
              let hour = Int(parts[0]) else { return nil }
        let minute = parts.count > 1 ? Int(parts[1]) : 0, second = parts.count > 2 ? Int(parts[2]) : 0
        guard let minute, let second, minute < 60, second < 60 else { return nil }
        if let meridiem {
            // "5pm", "12am" (midnight); a bare hour needs am/pm: "5" alone is not a time.
            guard (1...12).contains(hour), parts.count <= 2 else { return nil }
            return ((hour % 12) + (meridiem == "pm" ? 12 : 0), minute, 0)
        }
        guard parts.count >= 2, hour < 24 else { return nil }
        return (hour, minute, second)
    }

    /// `time` on `day`. In a daylight-saving gap ("02:30" the night the clocks go forward) the
    /// calendar gives a later time; the result says so rather than moving the task silently.
    private func at(_ time: (Int, Int, Int), on day: Date) throws -> DueDate {
        guard let date = calendar.date(bySettingHour: time.0, minute: time.1, second: time.2, of: day) else { throw Reason(text: "no such time that day") }
        let got = calendar.dateComponents([.day, .hour, .minute, .second], from: date)
        let asked = calendar.dateComponents([.year, .month, .day], from: day)
        guard got.hour != time.0 || got.minute != time.1 || got.second != time.2 || got.day != asked.day else { return DueDate(date: date) }
        func clock(_ h: Int?, _ m: Int?) -> String { String(format: "%02d:%02d", h ?? 0, m ?? 0) }
        let dayText = String(format: "%04d-%02d-%02d", asked.year ?? 0, asked.month ?? 0, asked.day ?? 0)
        return DueDate(date: date, adjustment: "\(clock(time.0, time.1)) does not exist on \(dayText) in \(calendar.timeZone.identifier) "
                       + "(the clocks go forward): due \(clock(got.hour, got.minute))")
    }

    /// The start of the day the words name, or nil.
    private func day(_ words: [String], today: Date) throws -> Date? {
        let s = words.joined(separator: " ")
        func plus(_ days: Int) -> Date { calendar.date(byAdding: .day, value: days, to: today)! }
        switch s {
        case "today", "tonight": return today
        case "tomorrow", "tmrw": return plus(1)
        case "day after tomorrow", "the day after tomorrow": return plus(2)
        case "yesterday": return plus(-1)
        case "eom", "end of month", "end of the month":
            let month = calendar.dateInterval(of: .month, for: today)!
            return calendar.date(byAdding: .day, value: -1, to: month.end)!
        default: break
        }
        let current = calendar.component(.weekday, from: today) - 1
        // Weeks start on Monday: this week's Saturday is 5 days after its Monday, its end 6.
        let sinceMonday = (current + 6) % 7
        switch s {
        case "eow", "end of week", "end of the week": return plus(6 - sinceMonday)
        case "weekend", "this weekend", "the weekend": return plus(max(5 - sinceMonday, 0))
        case "next weekend": return plus(7 - sinceMonday + 5)
        default: break
        }
        if let index = Self.weekday(s) {
            let ahead = (index - current + 7) % 7
            return plus(ahead == 0 ? 7 : ahead)
        }
        // "this friday": the coming one, today included.
        if words.count == 2, words[0] == "this", let index = Self.weekday(words[1]) {
            return plus((index - current + 7) % 7)
        }
        if let index = Self.weekday(words[0]), words.count >= 2 {
            if let date = try weekdayAndDayOfMonth(index, words.dropFirst(), today: today) { return date }
        }
        // "next friday": that day in the week after this one (weeks start on Monday); "next week"
        // is that week's Monday, "next month" the month's first day.
        if words.count == 2, words[0] == "next" {
            if let index = Self.weekday(words[1]) { return plus(7 - sinceMonday + (index + 6) % 7) }
            if words[1] == "week" { return plus(7 - sinceMonday) }
            if words[1] == "month" { return calendar.dateInterval(of: .month, for: today)!.end }
        }
        if let offset = try Self.relativeOffset(s) {
            // Hours from now name no day: "in 3 hours 5pm" is no date.
            guard offset.hour == nil && offset.minute == nil else { return nil }
            return calendar.date(byAdding: offset, to: today)!
        }
        if let date = try slashed(s, today: today) { return date }
        return try monthAndDay(words, today: today) ?? dotted(s, today: today) ?? iso(s)
    }

    /// "friday the 13th", "fri 13th": the next 13th (today's included), which must be a Friday.
    /// "monday 9" is refused: an hour alone may be 9am or 9pm.
    private func weekdayAndDayOfMonth(_ weekday: Int, _ rest: ArraySlice<String>, today: Date) throws -> Date? {
        var rest = Array(rest)
        let saidThe = rest.first == "the"
        if saidThe { rest.removeFirst() }
        guard rest.count == 1, let word = rest.first else { return nil }
        let digits = word.prefix { $0.isASCIIDigit }
        guard let day = Int(digits), !digits.isEmpty, digits.count <= 2 else { return nil }
        let suffix = word.dropFirst(digits.count)
        guard ["st", "nd", "rd", "th"].contains(suffix) || (suffix.isEmpty && saidThe) else {
            guard suffix.isEmpty, day <= 23 else { return nil }
            throw Reason(text: "\(day) alone is not a time: write \(day)am, \(day)pm or \(day):00 (or \"\(Self.weekdays[weekday]) the \(day)\(Self.ordinalSuffix(day))\" for a day)")
        }
        guard (1...31).contains(day) else { throw Reason(text: "day \(day): a month has 1 to 31 days") }
        // The next month that has that day, from this one.
        let thisMonth = calendar.dateInterval(of: .month, for: today)!.start
        for ahead in 0..<12 {
            guard let month = calendar.date(byAdding: .month, value: ahead, to: thisMonth),
                  let days = calendar.range(of: .day, in: .month, for: month)?.count, day <= days,
                  let date = calendar.date(byAdding: .day, value: day - 1, to: month), date >= today else { continue }
            let actual = calendar.component(.weekday, from: date) - 1
            guard actual == weekday else {
                let iso = calendar.dateComponents([.year, .month, .day], from: date)
                throw Reason(text: String(format: "the next %d%@ (%04d-%02d-%02d) is a %@, not a %@", day, Self.ordinalSuffix(day), iso.year!, iso.month!, iso.day!,
                                          Self.weekdays[actual].capitalized, Self.weekdays[weekday].capitalized))
            }
            return date
        }
        return nil
    }

    static func ordinalSuffix(_ n: Int) -> String {
        if (11...13).contains(n % 100) { return "th" }
        return [1: "st", 2: "nd", 3: "rd"][n % 10] ?? "th"
    }

    /// "19.12.2026", "19.12." or "19.12": day, month and maybe year with dots, as much of Europe
    /// writes them (never month first). Without a year only a trailing dot or two digits each
    /// make it a date, and only a real one: "by 2.5" or "by 12.50" in a title is an amount.
    private func dotted(_ s: String, today: Date) throws -> Date? {
        if let m = s.wholeMatch(of: /(\d{1,2})\.(\d{1,2})\.(\d{4})/), let d = Int(m.1), let mo = Int(m.2), let y = Int(m.3) {
            return try validDate(year: y, month: mo, day: d)
        }
        guard let m = s.wholeMatch(of: /(\d{1,2})\.(\d{1,2})\./) ?? s.wholeMatch(of: /(\d{2})\.(\d{2})/),
              let d = Int(m.1), let mo = Int(m.2), (1...12).contains(mo), (1...31).contains(d) else { return nil }
        return try dated(year: nil, month: mo, day: d, today: today)
    }

    /// "25/12/2026", "12/25", "5/5": read when only one order makes a date (a number over 12
    /// is the day) or both orders make the same one. "1/2" is refused: day first or month first,
    /// a guess would be wrong for half the world. A two-digit year is this century's.
    private func slashed(_ s: String, today: Date) throws -> Date? {
        guard let m = s.wholeMatch(of: /(\d{1,2})\/(\d{1,2})(?:\/(\d{2}|\d{4}))?/), let a = Int(m.1), let b = Int(m.2) else { return nil }
        let year = m.3.flatMap { Int($0) }.map { $0 < 100 ? 2000 + $0 : $0 }
        let hint = "write 2026-12-01, \"dec 1\" or \"1 dec\""
        switch ((1...12).contains(a), (1...12).contains(b)) {
        case (false, false): throw Reason(text: "\(s) is no date: there is no month \(a); \(hint)")
        case (false, true): return try dated(year: year, month: b, day: a, today: today)
        case (true, false): return try dated(year: year, month: a, day: b, today: today)
        case (true, true) where a == b: return try dated(year: year, month: a, day: b, today: today)
        case (true, true): throw Reason(text: "\(s) could be day/month or month/day; \(hint)")
        }
    }

    /// A weekday's index for its name or a prefix of at least three letters ("thur").
    static func weekday(_ s: String) -> Int? {
        weekdays.firstIndex { $0 == s || ($0.hasPrefix(s) && s.count >= 3) }
    }

    /// "in 3 days", "in 2 weeks", "in a week", "+2w", "+5d", "+1m", "in a year", "in 3 hours", "+90min";
    /// backwards, for something already late: "3 days ago", "a week ago", "-3d".
    static func relativeOffset(_ s: String) throws -> DateComponents? {
        let units: [String: Calendar.Component] = ["d": .day, "day": .day, "days": .day, "w": .weekOfYear, "week": .weekOfYear,
                                                   "weeks": .weekOfYear, "m": .month, "month": .month, "months": .month,
                                                   "y": .year, "yr": .year, "yrs": .year, "year": .year, "years": .year,
                                                   "h": .hour, "hr": .hour, "hrs": .hour, "hour": .hour, "hours": .hour,
                                                   "min": .minute, "mins": .minute, "minute": .minute, "minutes": .minute]
        var body = s, sign = 1
        // "in -3 days": meant as the past, which has its own spellings.
        if body.hasPrefix("in -") { throw Reason(text: "a past date is written \"\(body.dropFirst(4)) ago\"") }
        if body.hasPrefix("in ") { body.removeFirst(3) } else if body.hasPrefix("+") { body.removeFirst() }
        else if body.hasPrefix("-") { body.removeFirst(); sign = -1 }
        else if body.hasSuffix(" ago") { body.removeLast(4); sign = -1 } else { return nil }
        // "in a week", "a month ago": one.
        for article in ["a ", "an "] where body.hasPrefix(article) { body = "1 " + body.dropFirst(article.count) }
        let digits = body.prefix { $0.isNumber }
        let unit = body.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        guard let n = Int(digits), let component = units[unit] else { return nil }
        let limits: [Calendar.Component: Int] = [.day: 3650, .weekOfYear: 520, .month: 120, .year: 10, .hour: 3650 * 24, .minute: 3650 * 24 * 60]
        guard n <= limits[component]! else { throw Reason(text: "\(n) \(unit) is too far: at most 3650 days, 520 weeks, 120 months or 10 years") }
        var c = DateComponents()
        c.setValue(sign * n, for: component)
        return c
    }

    /// "dec 1", "december 1st", "1 dec", "1st of december", each with an optional year (`dated`).
    private func monthAndDay(_ words: [String], today: Date) throws -> Date? {
        var rest = words.filter { $0 != "of" }
        guard (2...3).contains(rest.count) else { return nil }
        var year: Int?
        if rest.count == 3 {
            guard let y = Int(rest[2]) else { return nil }
            year = y
            rest.removeLast()
        }
        func month(_ w: String) -> Int? {
            Self.months.firstIndex { $0 == w || ($0.hasPrefix(w) && w.count >= 3) }.map { $0 + 1 }
        }
        func dayNumber(_ w: String) -> Int? {
            var digits = Substring(w)
            for suffix in ["st", "nd", "rd", "th"] where digits.hasSuffix(suffix) { digits = digits.dropLast(2) }
            guard (1...3).contains(digits.count), digits.allSatisfy(\.isASCIIDigit) else { return nil }
            return Int(digits)
        }
        guard let (m, d) = month(rest[0]).flatMap({ m in dayNumber(rest[1]).map { (m, $0) } })
                ?? month(rest[1]).flatMap({ m in dayNumber(rest[0]).map { (m, $0) } }) else { return nil }
        return try dated(year: year, month: m, day: d, today: today)
    }

    /// How many days back a date without a year may lie: "1 dec" typed on December 6th is the
    /// one just gone (already late, as "3 days ago" is), not next year's; "1 oct" is next year's.
    static let recentPastDays = 30

    /// The day, in `year` if given; else the first such day at most `recentPastDays` ago (the
    /// year chosen before the day is checked, so "feb 29" in December is judged against next February).
    private func dated(year: Int?, month m: Int, day d: Int, today: Date) throws -> Date {
        if let year { return try validDate(year: year, month: m, day: d) }
        let from = calendar.dateComponents([.year, .month, .day], from: calendar.date(byAdding: .day, value: -Self.recentPastDays, to: today)!)
        let passed = (m, d) < (from.month!, from.day!)
        return try validDate(year: from.year! + (passed ? 1 : 0), month: m, day: d)
    }

    private func iso(_ s: String) throws -> Date? {
        let fields = s.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count == 3, fields.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }),
              let y = Int(fields[0]), let m = Int(fields[1]), let d = Int(fields[2]) else { return nil }
        return try validDate(year: y, month: m, day: d)
    }

    /// The start of that day; a day that does not exist says why (no rollover: 2026-02-30 is no date).
    private func validDate(year: Int, month: Int, day: Int) throws -> Date {
        try Self.checkYear(year)
        guard (1...12).contains(month) else { throw Reason(text: "month \(month): months are 1 to 12") }
        guard let first = calendar.date(from: DateComponents(year: year, month: month, day: 1)),
              let days = calendar.range(of: .day, in: .month, for: first)?.count else { throw Reason(text: "no such month") }
        guard (1...days).contains(day) else {
            throw Reason(text: day > 31 || day < 1 ? "day \(day): a month has 1 to 31 days" : "\(Self.months[month - 1].capitalized) has \(days) days in \(year)")
        }
        guard let date = calendar.date(from: DateComponents(year: year, month: month, day: day)) else { throw Reason(text: "no such day") }
        return date
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
