/// Turns tokens back into text (tokenizers' `decoders`).
protocol TokenDecoder: Sendable {
    func decode(_ tokens: [String]) -> String
}

/// WordPiece's decoder: join with spaces, glue `##` pieces to the previous one,
/// then optionally undo the spaces BERT put before punctuation and contractions.
/// Works on scalars, as tokenizers works on bytes: `##` followed by a combining
/// mark is still a prefix although Swift would see one grapheme `#ि`.
struct WordPieceDecoder: TokenDecoder {
    var prefix = "##"
    var cleanup = true

    func decode(_ tokens: [String]) -> String {
        let prefix = Array(self.prefix.unicodeScalars)
        var out = String.UnicodeScalarView()
        for (i, token) in tokens.enumerated() {
            var piece = Array(token.unicodeScalars)
            if i != 0 {
                if !prefix.isEmpty && piece.starts(with: prefix) { piece.removeFirst(prefix.count) } else { piece.insert(" ", at: 0) }
            }
            out.append(contentsOf: cleanup ? Self.cleanUpTokenization(piece) : piece)
        }
        return String(out)
    }

    private static let replacements: [([Unicode.Scalar], [Unicode.Scalar])] = [
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
        (" 'm", "'m"), (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ].map { (Array($0.0.unicodeScalars), Array($0.1.unicodeScalars)) }

    /// tokenizers' `decoders/wordpiece.rs::cleanup`, replacement for replacement.
    static func cleanUpTokenization(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        replacements.reduce(s) { text, r in text.replacingAll(r.0, with: r.1) }
    }
}

/// Byte-level decoder: every character stands for one byte; invalid UTF-8
/// becomes U+FFFD, as Rust's `from_utf8_lossy` does.
struct ByteLevelDecoder: TokenDecoder {
    func decode(_ tokens: [String]) -> String {
        var bytes: [UInt8] = []
        for token in tokens {
            for scalar in token.unicodeScalars {
                if let b = ByteLevelAlphabet.byteOfCharacter[scalar.value] { bytes.append(b) } else { bytes += Array(String(scalar).utf8) }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Array where Element: Equatable {
    /// Replaces every occurrence of `target`, left to right, without overlap.
    func replacingAll(_ target: [Element], with replacement: [Element]) -> [Element] {
        guard !target.isEmpty, count >= target.count else { return self }
        var out: [Element] = []
        out.reserveCapacity(count)
        var i = 0
        while i < count {
            if i + target.count <= count && self[i] == target[0] && Array(self[i..<(i + target.count)]) == target {
                out += replacement
                i += target.count
            } else {
                out.append(self[i])
                i += 1
            }
        }
        return out
    }
}
