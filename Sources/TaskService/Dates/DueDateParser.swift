import Foundation

/// Due dates as people type them: ISO (2026-12-01, 2026-12-01T17:00, 2026-12-01 17:00),
/// today, tomorrow, weekday names (the next such day, never today), "in 3 days",
/// "+2w" / "+5d" / "+1m". Dates without a time are due at the end of that day.
public struct DueDateParser: Sendable {
    public var calendar: Calendar

    public init(calendar: Calendar = .current) { self.calendar = calendar }

    /// In `Calendar`'s order (Sunday first), so an index is a weekday number minus one.
    static let weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var input: String
        public var description: String {
            "cannot read '\(input)' as a date; try 2026-12-01, 2026-12-01 17:00, today, tomorrow, friday, \"in 3 days\" or +2w"
        }
    }

    public func parse(_ text: String, now: Date = Date()) throws -> Date {
        let s = text.trimmingCharacters(in: .whitespaces).lowercased()
        let today = calendar.startOfDay(for: now)
        func endOfDay(_ day: Date) -> Date { calendar.date(byAdding: DateComponents(hour: 23, minute: 59, second: 59), to: day)! }
        switch s {
        case "today": return endOfDay(today)
        case "tomorrow": return endOfDay(calendar.date(byAdding: .day, value: 1, to: today)!)
        default: break
        }
        if let index = Self.weekdays.firstIndex(where: { $0 == s || ($0.hasPrefix(s) && s.count >= 3) }) {
            let current = calendar.component(.weekday, from: today) - 1
            var ahead = (index - current + 7) % 7
            if ahead == 0 { ahead = 7 }
            return endOfDay(calendar.date(byAdding: .day, value: ahead, to: today)!)
        }
        if let relative = relativeOffset(s) {
            return endOfDay(calendar.date(byAdding: relative, to: today)!)
        }
        if let date = iso(s) { return date }
        throw Failure(input: text)
    }

    /// "in 3 days", "in 2 weeks", "+2w", "+5d", "+1m".
    private func relativeOffset(_ s: String) -> DateComponents? {
        let units: [String: Calendar.Component] = ["d": .day, "day": .day, "days": .day, "w": .weekOfYear, "week": .weekOfYear,
                                                   "weeks": .weekOfYear, "m": .month, "month": .month, "months": .month]
        var body = s
        if body.hasPrefix("in ") { body.removeFirst(3) } else if body.hasPrefix("+") { body.removeFirst() } else { return nil }
        let digits = body.prefix { $0.isNumber }
        guard let n = Int(digits), n <= 3650 else { return nil }
        let unit = body.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        guard let component = units[unit] else { return nil }
        var c = DateComponents()
        c.setValue(n, for: component)
        return c
    }

    private func iso(_ s: String) -> Date? {
        let parts = s.replacingOccurrences(of: "t", with: " ").split(separator: " ")
        guard (1...2).contains(parts.count) else { return nil }
        let ymd = parts[0].split(separator: "-").compactMap { Int($0) }
        guard ymd.count == 3, parts[0].split(separator: "-").count == 3 else { return nil }
        var c = DateComponents(year: ymd[0], month: ymd[1], day: ymd[2])
        if parts.count == 2 {
            let hm = parts[1].split(separator: ":").compactMap { Int($0) }
            guard (2...3).contains(hm.count), hm[0] < 24, hm[1] < 60 else { return nil }
            c.hour = hm[0]; c.minute = hm[1]; c.second = hm.count == 3 ? hm[2] : 0
        } else {
            c.hour = 23; c.minute = 59; c.second = 59
        }
        guard let date = calendar.date(from: c) else { return nil }
        // Reject rollovers such as 2026-02-30.
        let back = calendar.dateComponents([.year, .month, .day], from: date)
        guard back.year == ymd[0], back.month == ymd[1], back.day == ymd[2] else { return nil }
        return date
    }
}
