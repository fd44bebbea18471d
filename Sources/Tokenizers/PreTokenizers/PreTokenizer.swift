/// Second pipeline stage: splits normalized text into words, each a range of
/// units. It may rewrite the text (byte-level maps every byte to a character).
protocol PreTokenizer: Sendable {
    func preTokenize(_ text: inout NormalizedText) -> [Range<Int>]
}
