import Foundation

/// Word-level views of task text shared by the enrichers: words, singular forms,
/// clauses and candidate phrases. Plain rules on purpose: they run before any model.
enum TextFeatures {
    /// Whether a text has a word to go on (two letters or more): "🎉🎉", "???" or "x" do not, and
    /// any category or tag for them would be a guess from the vector of noise.
    static func hasWords(_ text: String) -> Bool {
        words(text).contains { $0.count(where: \.isLetter) >= 2 }
    }

    /// Lowercased words (letters, digits, inner ' - . kept: "e-bike", "smartlist.io").
    static func words(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        func flush() {
            let trimmed = current.trimmingCharacters(in: CharacterSet(charactersIn: "'’.-"))
            if !trimmed.isEmpty { out.append(trimmed) }
            current = ""
        }
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber || (!current.isEmpty && "'’.-".contains(ch)) { current.append(ch) } else { flush() }
        }
        flush()
        return out
    }

    /// The word without a possessive 's ("Jonas's" → "Jonas", "tomorrow’s" → "tomorrow"), if it has one.
    static func withoutPossessive(_ word: String) -> String? {
        word.hasSuffix("'s") || word.hasSuffix("’s") ? String(word.dropLast(2)) : nil
    }

    /// English singular by the common rules ("batteries" → "battery", "boots" → "boot"); other words unchanged.
    static func singular(_ word: String) -> String {
        guard word.count > 3, word.allSatisfy({ $0.isLetter }) else { return word }
        if word.hasSuffix("ies") { return String(word.dropLast(3)) + "y" }
        if word.hasSuffix("sses") || word.hasSuffix("shes") || word.hasSuffix("ches") || word.hasSuffix("xes") { return String(word.dropLast(2)) }
        if word.hasSuffix("ss") || word.hasSuffix("us") || word.hasSuffix("is") { return word }
        if word.hasSuffix("s") { return String(word.dropLast()) }
        return word
    }

    /// A tag's comparison form: lowercased, single-spaced, each word singular.
    static func tagKey(_ tag: String) -> String {
        words(tag).map(singular).joined(separator: " ")
    }

    /// The first `limit` sentences and clauses of a text, for signals that live in one phrase
    /// ("registration closes tomorrow"). A clause longer than `maxWords` words (a pasted log
    /// without punctuation) is cut into pieces of that many: these signals compare phrases,
    /// and one clause of a megabyte was embedded whole, window after window. The whole text
    /// is still embedded, for the category and search.
    static func clauses(_ text: String, limit: Int = 12, maxWords: Int = 40, separators: String = ".!?;\n—–:") -> [String] {
        var parts: [String] = []
        var current = ""
        var words = 0, inWord = false
        func flush() {
            let clause = current.trimmingCharacters(in: .whitespaces)
            if clause.count > 3 { parts.append(clause) }
            current = ""
            words = 0
            inWord = false
        }
        for ch in text where parts.count < limit {
            if separators.contains(ch) {
                flush()
            } else if ch.isWhitespace {
                if inWord { words += 1; inWord = false }
                if words == maxWords { flush() } else { current.append(ch) }
            } else {
                inWord = true
                current.append(ch)
            }
        }
        flush()
        return Array(parts.prefix(limit))
    }
}
