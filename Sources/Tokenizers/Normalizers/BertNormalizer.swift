/// BERT's normalizer, mirroring tokenizers' `normalizers/bert.rs`, in its order:
/// clean text, pad CJK ideographs with spaces, strip accents (NFD, then drop
/// marks), lowercase. Character classes come from the reference tables.
struct BertNormalizer: Normalizer {
    var cleanText = true
    var handleChineseChars = true
    var lowercase = true
    /// `nil` follows `lowercase`, Hugging Face's default (`strip_accents: null`).
    var stripAccents: Bool? = nil

    func normalize(_ text: NormalizedText) -> NormalizedText {
        let strip = stripAccents ?? lowercase
        var out: [TextUnit] = []
        out.reserveCapacity(text.units.count + text.units.count / 8)
        for var unit in text.units {
            if cleanText {
                if CharacterClasses.bertDropped.contains(unit.scalar) { continue }
                if CharacterClasses.bertSpace.contains(unit.scalar) { unit.scalar = 0x20 }
            }
            if handleChineseChars && CharacterClasses.isCJKIdeograph(unit.scalar) {
                // The inserted spaces share the ideograph's alignment; they never reach a token.
                out.append(TextUnit(scalar: 0x20, start: unit.start, end: unit.end))
                out.append(unit)
                out.append(TextUnit(scalar: 0x20, start: unit.start, end: unit.end))
            } else {
                out.append(unit)
            }
        }
        if strip { out = CanonicalDecomposition.decompose(out) }
        // Marks go after decomposition and reordering of the whole text, as in HF.
        if strip { out.removeAll { $0.scalar >= 0x300 && CharacterClasses.accentMark.contains($0.scalar) } }
        if lowercase { lowercaseInPlace(&out) }
        return NormalizedText(units: out)
    }

    /// Per-scalar full lowercase mapping, as Rust's `char::to_lowercase` (no
    /// final-sigma context); one scalar may become several, sharing its alignment.
    private func lowercaseInPlace(_ units: inout [TextUnit]) {
        var needsExpansion = false
        for i in units.indices {
            let c = units[i].scalar
            if c < 0x80 {
                if c >= 0x41 && c <= 0x5A { units[i].scalar = c + 0x20 }
            } else if let mapped = Self.lowercaseMapping(c) {
                if mapped.count == 1 { units[i].scalar = mapped[0] } else { needsExpansion = true }
            }
        }
        guard needsExpansion else { return }
        var out: [TextUnit] = []
        out.reserveCapacity(units.count + 8)
        for unit in units {
            if unit.scalar >= 0x80, let mapped = Self.lowercaseMapping(unit.scalar), mapped.count > 1 {
                for m in mapped { out.append(TextUnit(scalar: m, start: unit.start, end: unit.end)) }
            } else {
                out.append(unit)
            }
        }
        units = out
    }

    /// The lowercase mapping of a non-ASCII scalar, or nil when it maps to itself.
    private static func lowercaseMapping(_ c: UInt32) -> [UInt32]? {
        guard let scalar = Unicode.Scalar(c), scalar.properties.changesWhenLowercased else { return nil }
        return scalar.properties.lowercaseMapping.unicodeScalars.map(\.value)
    }
}
