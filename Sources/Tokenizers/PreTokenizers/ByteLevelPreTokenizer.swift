/// Byte-level pre-tokenizer of GPT-2, RoBERTa and BART (tokenizers'
/// `pre_tokenizers/byte_level.rs`): optionally prefix a space, split with the
/// GPT-2 pattern, then replace every UTF-8 byte by its printable stand-in.
struct ByteLevelPreTokenizer: PreTokenizer {
    var addPrefixSpace = false
    var useRegex = true

    func preTokenize(_ text: inout NormalizedText) -> [Range<Int>] {
        guard let first = text.units.first else { return [] }
        if addPrefixSpace && first.scalar != 0x20 {
            // Like NormalizedString::prepend: the space takes the first unit's alignment.
            text.units.insert(TextUnit(scalar: 0x20, start: first.start, end: first.end), at: 0)
        }
        let pieces = useRegex ? GPT2SplitPattern.split(text.units) : [0..<text.units.count]
        // Map to bytes, translating piece boundaries into byte positions.
        var bytes: [TextUnit] = []
        bytes.reserveCapacity(text.units.count + text.units.count / 4)
        var byteIndexOfUnit = [Int](repeating: 0, count: text.units.count + 1)
        for (i, unit) in text.units.enumerated() {
            byteIndexOfUnit[i] = bytes.count
            ByteLevelAlphabet.appendBytes(of: unit) { bytes.append($0) }
        }
        byteIndexOfUnit[text.units.count] = bytes.count
        text.units = bytes
        return pieces.map { byteIndexOfUnit[$0.lowerBound]..<byteIndexOfUnit[$0.upperBound] }
    }
}
