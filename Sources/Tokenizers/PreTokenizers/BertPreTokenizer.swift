/// BERT's word splitter (tokenizers' `pre_tokenizers/bert.rs`): whitespace ends a
/// word and is dropped; every punctuation character is a word of its own.
struct BertPreTokenizer: PreTokenizer {
    func preTokenize(_ text: inout NormalizedText) -> [Range<Int>] {
        var words: [Range<Int>] = []
        words.reserveCapacity(text.units.count / 4)
        var wordStart = -1
        for (i, unit) in text.units.enumerated() {
            let c = unit.scalar
            let isSpace: Bool, isPunctuation: Bool
            if c < 0x80 {
                // ASCII fast path, same answers as the tables.
                isSpace = c == 0x20 || (c >= 0x09 && c <= 0x0D)
                isPunctuation = (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E)
            } else {
                isSpace = CharacterClasses.bertSplitSpace.contains(c)
                isPunctuation = !isSpace && CharacterClasses.bertPunctuation.contains(c)
            }
            if isSpace || isPunctuation {
                if wordStart >= 0 { words.append(wordStart..<i); wordStart = -1 }
                if isPunctuation { words.append(i..<(i + 1)) }
            } else if wordStart < 0 {
                wordStart = i
            }
        }
        if wordStart >= 0 { words.append(wordStart..<text.units.count) }
        return words
    }
}
