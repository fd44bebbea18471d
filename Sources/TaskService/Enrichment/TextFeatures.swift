import Foundation

/// Word-level views of task text shared by the enrichers: words, singular forms,
/// clauses and candidate phrases. Plain rules on purpose: they run before any model.
enum TextFeatures {
    /// The start of a description, where its words speak for the task (tag phrases, urgency
    /// cues): deep in pasted meeting notes, "emergency contact" says nothing about urgency.
    static let descriptionStart = 300
    /// How much of a description is read for the words that decide a category's cues, and
    /// whether a text has words at all.
    static let wordWindow = 600

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

    /// Lowercased runs of letters and digits: what search matches words by (its index and the
    /// query's stems), where `words` keeps inner punctuation for tags ("e-bike").
    static func alphanumericWords(_ text: String) -> [String] {
        var utf8 = Array(text.utf8)
        guard utf8.allSatisfy({ $0 < 0x80 }) else { return text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init) }
        // ASCII (most tasks): the same words, cut from the bytes without Character processing.
        var out: [String] = []
        var start = -1
        for i in 0...utf8.count {
            var b: UInt8 = i < utf8.count ? utf8[i] : 0x20
            if b >= 0x41 && b <= 0x5A { b += 0x20; utf8[i] = b }
            let wordByte = (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
            if wordByte { if start < 0 { start = i } } else if start >= 0 {
                out.append(String(decoding: utf8[start..<i], as: UTF8.self))
                start = -1
            }
        }
        return out
    }

    /// Stems of the query's words of at least 3 characters ("decluttering" → "declutter"), lowercased.
    static func queryStems(_ text: String) -> [String] {
        alphanumericWords(text).filter { $0.count >= 3 }.map(searchStem)
    }

    /// Drops a common English ending when enough of the word remains, so the stem matches other forms by substring.
    static func searchStem(_ word: String) -> String {
        for suffix in ["ations", "ation", "ings", "ing", "ers", "ies", "ed", "es", "er", "s"] where word.hasSuffix(suffix) && word.count - suffix.count >= 4 {
            return String(word.dropLast(suffix.count))
        }
        return word
    }

    /// The word without a possessive 's ("Jonas's" → "Jonas", "tomorrow’s" → "tomorrow"), if it has one.
    static func withoutPossessive(_ word: String) -> String? {
        word.hasSuffix("'s") || word.hasSuffix("’s") ? String(word.dropLast(2)) : nil
    }

    /// English plural endings, the first that fits decides: how many letters it drops and what it
    /// adds. An ending that drops nothing keeps the word ("glass", "bus", "analysis"). The one table
    /// of `singular` and `asciiTagKey`.
    private static let pluralEndings: [(ending: String, drop: Int, add: String)] = [
        ("ies", 3, "y"), ("sses", 2, ""), ("shes", 2, ""), ("ches", 2, ""), ("xes", 2, ""), ("ss", 0, ""), ("us", 0, ""), ("is", 0, ""), ("s", 1, ""),
    ]

    /// English singular by the common rules ("batteries" → "battery", "boots" → "boot"); other words unchanged.
    static func singular(_ word: String) -> String {
        guard word.count > 3, word.allSatisfy({ $0.isLetter }), let rule = pluralEndings.first(where: { word.hasSuffix($0.ending) }) else { return word }
        return String(word.dropLast(rule.drop)) + rule.add
    }

    /// A tag's comparison form: lowercased, single-spaced, each word singular.
    static func tagKey(_ tag: String) -> String {
        asciiTagKey(tag) ?? words(tag).map(singular).joined(separator: " ")
    }

    /// `tagKey` of an ASCII tag (nil for any other), by the same rules on bytes: the 1,500 tags
    /// of the labelled tasks are keyed on every enrichment's path, and by Characters that took 5 ms.
    static func asciiTagKey(_ tag: String) -> String? {
        var key: [UInt8] = []
        key.reserveCapacity(tag.utf8.count)
        var word: [UInt8] = []
        func isLetter(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) }
        func inner(_ b: UInt8) -> Bool { b == UInt8(ascii: "'") || b == UInt8(ascii: ".") || b == UInt8(ascii: "-") }
        func flush() {
            while let last = word.last, inner(last) { word.removeLast() }
            guard !word.isEmpty else { return }
            if word.count > 3 && word.allSatisfy(isLetter),
               let rule = pluralEndings.first(where: { word.count >= $0.ending.utf8.count && word.suffix($0.ending.utf8.count).elementsEqual($0.ending.utf8) }) {
                word.removeLast(rule.drop)
                word += rule.add.utf8
            }
            if !key.isEmpty { key.append(UInt8(ascii: " ")) }
            key += word
            word.removeAll(keepingCapacity: true)
        }
        for var b in tag.utf8 {
            guard b < 0x80 else { return nil }
            if b >= 0x41 && b <= 0x5A { b += 0x20 }
            if isLetter(b) || (b >= 0x30 && b <= 0x39) || (!word.isEmpty && inner(b)) { word.append(b) } else { flush() }
        }
        flush()
        return String(decoding: key, as: UTF8.self)
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
