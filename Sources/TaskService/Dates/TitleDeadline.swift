import Foundation

/// A deadline the title states outright — "Pay the bill by friday", "Submit the report
/// before 2026-12-01", "Call mom tomorrow", "Renew the lease due in 3 days" — so `add`
/// sets the due date the user already wrote. Only explicit forms count: by, before,
/// until, till, due or on followed by a date `DueDateParser` reads, or today, tonight or
/// tomorrow on their own. A weekday alone ("Team sync Monday") may be a habit, not a
/// deadline, and dates in the description are often about something else
/// ("the practical is thursday"), so neither is read.
public struct TitleDeadline: Sendable, Equatable {
    /// The words that said it, as typed ("by friday").
    public var phrase: String
    public var date: Date

    static let prepositions: Set<String> = ["by", "before", "until", "till", "due", "on"]

    public static func find(in title: String, parser: DueDateParser = DueDateParser(), now: Date = Date()) -> TitleDeadline? {
        // Words with the punctuation around them dropped and a possessive removed ("tomorrow's").
        let raw = title.split(whereSeparator: \.isWhitespace).map(String.init)
        let punctuation = CharacterSet(charactersIn: ",.;:!?()[]\"“”'‘’")
        func said(_ words: ArraySlice<String>) -> String { words.joined(separator: " ").trimmingCharacters(in: punctuation) }
        let words = raw.map { word -> String in
            let w = word.lowercased().trimmingCharacters(in: punctuation)
            return TextFeatures.withoutPossessive(w) ?? w
        }
        for (i, word) in words.enumerated() {
            if prepositions.contains(word) {
                // The longest date after it: "in 3 days" (3 words), "2026-12-01 17:00" (2), "friday" (1).
                for length in stride(from: 3, through: 1, by: -1) where i + length < words.count {
                    let candidate = words[(i + 1)...(i + length)].joined(separator: " ")
                    guard isDateForm(candidate), let date = try? parser.parse(candidate, now: now) else { continue }
                    return TitleDeadline(phrase: said(raw[i...(i + length)]), date: date)
                }
            } else if ["today", "tonight", "tomorrow"].contains(word), let date = try? parser.parse(word == "tonight" ? "today" : word, now: now) {
                return TitleDeadline(phrase: said(raw[i...i]), date: date)
            }
        }
        return nil
    }

    /// The parser also reads weekday prefixes ("thur"); in running text only whole names and
    /// their usual abbreviations count, so "on sunscreen" or "by satellite" are not dates.
    private static func isDateForm(_ s: String) -> Bool {
        if DueDateParser.weekdays.contains(s) || ["mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"].contains(s) { return true }
        if let first = s.first, first.isNumber || first == "+" { return true }  // ISO dates, +2w
        return s.hasPrefix("in ") || s == "today" || s == "tomorrow"
    }
}
