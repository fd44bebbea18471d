/// What may reach a terminal from text we did not write (a task's title, a tag, a value typed
/// on the command line and quoted back in an error): control characters other than line
/// breaks and tabs — ESC starts the sequences that restyle, move the cursor or retitle the
/// window, BEL rings, C1's CSI does ESC's work on some terminals — and the bidirectional
/// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which reorder what is
/// shown so that the text reads differently from what it is ("Trojan Source"). Each becomes
/// U+FFFD. Our own output uses none of them, so every line can pass through here.
enum TerminalText {
    static let replacement: Unicode.Scalar = "\u{FFFD}"

    /// Whether the terminal may show `scalar` as is.
    static func isShown(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return true
        case 0x00...0x1F, 0x7F...0x9F: return false
        case 0x202A...0x202E, 0x2066...0x2069: return false
        default: return true
        }
    }

    /// `text` with every scalar the terminal may not show replaced by U+FFFD.
    static func safe(_ text: String) -> String {
        if !needsReplacing(text) { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { out.append(isShown(scalar) ? scalar : replacement) }
        return String(out)
    }

    /// A scan of the UTF-8 bytes, without decoding: C0 but line feed and tab, DEL, C1 (0xC2
    /// 0x80–0x9F), U+202A–U+202E (0xE2 0x80 0xAA–0xAE) and U+2066–U+2069 (0xE2 0x81 0xA6–0xA9).
    static func needsReplacing(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                if b < 0x20 { if b != 0x0A && b != 0x09 { return true } }
                else if b == 0x7F { return true }
                else if b == 0xC2, i + 1 < bytes.count, (0x80...0x9F).contains(bytes[i + 1]) { return true }
                else if b == 0xE2, i + 2 < bytes.count {
                    let (b1, b2) = (bytes[i + 1], bytes[i + 2])
                    if (b1 == 0x80 && (0xAA...0xAE).contains(b2)) || (b1 == 0x81 && (0xA6...0xA9).contains(b2)) { return true }
                }
                i += 1
            }
            return false
        }
    }

    /// JSON text with the same characters written as `\uXXXX` escapes: the value is the same
    /// for a program reading it, and a terminal showing it sees no control character.
    /// (JSONEncoder escapes U+0000–U+001F but leaves DEL, C1 and the bidi controls raw.)
    static func escapingJSON(_ json: String) -> String {
        guard needsReplacing(json) else { return json }
        var out = ""
        for scalar in json.unicodeScalars {
            if isShown(scalar) { out.unicodeScalars.append(scalar) } else { out += "\\u" + String(scalar.value, radix: 16).leftPadded(to: 4) }
        }
        return out
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
