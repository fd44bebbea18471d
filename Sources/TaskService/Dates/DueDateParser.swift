import Foundation

/// Due dates as people type them. A day — ISO (2026-12-01), today, tonight, tomorrow,
/// yesterday (to record something already late),
/// weekday names (the next such day, never today), "next friday" (the Friday of next week),
/// a month and day ("dec 1", "1 December 2026", "Dec 1st"), "in 3 days", "+2w" / "+5d" /
/// "+1m", "3 days ago" / "-3d", "eom" / "end of month" — optionally followed by a time ("17:00", "5pm", "9:30am",
/// "noon", with or without "at"). A time alone is its next occurrence. Without a time a
/// date is due at the end of its day.
public struct DueDateParser: Sendable {
    public var calendar: Calendar

    public init(calendar: Calendar = .current) { self.calendar = calendar }

    /// In `Calendar`'s order (Sunday first), so an index is a weekday number minus one.
    static let weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                         "november", "december"]

    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var input: String
        public var description: String {
            "cannot read '\(input)' as a date; try 2026-12-01, \"dec 1\", tomorrow, friday, \"next friday 9am\", \"in 3 days\", +2w or eom"
        }
    }

    public func parse(_ text: String, now: Date = Date()) throws -> Date {
        var words = Self.words(text)
        let time = Self.takeTime(from: &words)
        let today = calendar.startOfDay(for: now)
        let day: Date
        if words.isEmpty {
            // "5pm": today's, or tomorrow's once today's has passed.
            guard let time, let at = at(time, on: today) else { throw Failure(input: text) }
            if at >= now { return at }
            day = calendar.date(byAdding: .day, value: 1, to: today)!
        } else {
            guard let found = self.day(words, today: today) else { throw Failure(input: text) }
            day = found
        }
        guard let due = at(time ?? (23, 59, 59), on: day) else { throw Failure(input: text) }
        return due
    }

    /// Lowercased words; commas dropped ("Dec 1, 2026"), "2026-12-01T17:00" split at the T.
    static func words(_ text: String) -> [String] {
        var s = text.lowercased().replacingOccurrences(of: ",", with: " ")
        if let t = s.range(of: #"^\s*\d{4}-\d{1,2}-\d{1,2}t"#, options: .regularExpression) {
            s.replaceSubrange(s.index(before: t.upperBound)..<t.upperBound, with: " ")
        }
        return s.split(whereSeparator: \.isWhitespace).map(String.init)
    }

    /// Removes a trailing time of day ("17:00", "5pm", "5 pm", "9:30am", "noon", after an optional "at").
    static func takeTime(from words: inout [String]) -> (Int, Int, Int)? {
        guard let last = words.last else { return nil }
        var spoken = last, used = 1
        if (last == "am" || last == "pm"), words.count >= 2 { spoken = words[words.count - 2] + last; used = 2 }
        guard let time = timeOfDay(spoken) else { return nil }
        words.removeLast(used)
        if words.last == "at" { words.removeLast() }
        return time
    }

    static func timeOfDay(_ s: String) -> (Int, Int, Int)? {
        if s == "noon" { return (12, 0, 0) }
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

    private func at(_ time: (Int, Int, Int), on day: Date) -> Date? {
        calendar.date(bySettingHour: time.0, minute: time.1, second: time.2, of: day)
    }

    /// The start of the day the words name, or nil.
    private func day(_ words: [String], today: Date) -> Date? {
        let s = words.joined(separator: " ")
        func plus(_ days: Int) -> Date { calendar.date(byAdding: .day, value: days, to: today)! }
        switch s {
        case "today", "tonight": return today
        case "tomorrow": return plus(1)
        case "yesterday": return plus(-1)
        case "eom", "end of month", "end of the month":
            let month = calendar.dateInterval(of: .month, for: today)!
            return calendar.date(byAdding: .day, value: -1, to: month.end)!
        default: break
        }
        let current = calendar.component(.weekday, from: today) - 1
        if let index = Self.weekday(s) {
            let ahead = (index - current + 7) % 7
            return plus(ahead == 0 ? 7 : ahead)
        }
        // "next friday": that day in the week after this one (weeks start on Monday).
        if words.count == 2, words[0] == "next", let index = Self.weekday(words[1]) {
            let sinceMonday = (current + 6) % 7, targetSinceMonday = (index + 6) % 7
            return plus(7 - sinceMonday + targetSinceMonday)
        }
        if let offset = Self.relativeOffset(s) { return calendar.date(byAdding: offset, to: today)! }
        return monthAndDay(words, today: today) ?? iso(s)
    }

    /// A weekday's index for its name or a prefix of at least three letters ("thur").
    static func weekday(_ s: String) -> Int? {
        weekdays.firstIndex { $0 == s || ($0.hasPrefix(s) && s.count >= 3) }
    }

    /// "in 3 days", "in 2 weeks", "+2w", "+5d", "+1m"; backwards, for something already late:
    /// "3 days ago", "-3d".
    static func relativeOffset(_ s: String) -> DateComponents? {
        let units: [String: Calendar.Component] = ["d": .day, "day": .day, "days": .day, "w": .weekOfYear, "week": .weekOfYear,
                                                   "weeks": .weekOfYear, "m": .month, "month": .month, "months": .month]
        var body = s, sign = 1
        if body.hasPrefix("in ") { body.removeFirst(3) } else if body.hasPrefix("+") { body.removeFirst() }
        else if body.hasPrefix("-") { body.removeFirst(); sign = -1 }
        else if body.hasSuffix(" ago") { body.removeLast(4); sign = -1 } else { return nil }
        let digits = body.prefix { $0.isNumber }
        guard let n = Int(digits), n <= 3650 else { return nil }
        let unit = body.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        guard let component = units[unit] else { return nil }
        var c = DateComponents()
        c.setValue(sign * n, for: component)
        return c
    }

    /// "dec 1", "december 1st", "1 dec", "1st of december", each with an optional year. Without
    /// a year: this year's, or next year's once this year's has passed.
    private func monthAndDay(_ words: [String], today: Date) -> Date? {
        var rest = words.filter { $0 != "of" }
        guard (2...3).contains(rest.count) else { return nil }
        var year: Int?
        if rest.count == 3 {
            guard let y = Int(rest[2]), (1000...9999).contains(y) else { return nil }
            year = y
            rest.removeLast()
        }
        func month(_ w: String) -> Int? {
            Self.months.firstIndex { $0 == w || ($0.hasPrefix(w) && w.count >= 3) }.map { $0 + 1 }
        }
        func dayNumber(_ w: String) -> Int? {
            var digits = Substring(w)
            for suffix in ["st", "nd", "rd", "th"] where digits.hasSuffix(suffix) { digits = digits.dropLast(2) }
            guard (1...2).contains(digits.count), digits.allSatisfy(\.isASCIIDigit), let d = Int(digits), (1...31).contains(d) else { return nil }
            return d
        }
        guard let (m, d) = month(rest[0]).flatMap({ m in dayNumber(rest[1]).map { (m, $0) } })
                ?? month(rest[1]).flatMap({ m in dayNumber(rest[0]).map { (m, $0) } }) else { return nil }
        let thisYear = calendar.component(.year, from: today)
        guard let date = validDate(year: year ?? thisYear, month: m, day: d) else { return nil }
        if year == nil, date < today { return validDate(year: thisYear + 1, month: m, day: d) }
        return date
    }

    private func iso(_ s: String) -> Date? {
        let fields = s.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count == 3, fields.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }),
              let y = Int(fields[0]), let m = Int(fields[1]), let d = Int(fields[2]) else { return nil }
        return validDate(year: y, month: m, day: d)
    }

    /// The start of that day, refusing rollovers such as 2026-02-30.
    private func validDate(year: Int, month: Int, day: Int) -> Date? {
        guard let date = calendar.date(from: DateComponents(year: year, month: month, day: day)) else { return nil }
        let back = calendar.dateComponents([.year, .month, .day], from: date)
        guard back.year == year, back.month == month, back.day == day else { return nil }
        return date
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
