/// A token's span in the original text, in Unicode scalars (code points), as
/// Hugging Face's Python API reports offsets. Special tokens have `(0, 0)`.
public struct TokenOffset: Sendable, Hashable, Codable {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }
}

/// The result of encoding one text or one pair: parallel arrays, one entry per token.
public struct Encoding: Sendable, Equatable {
    public var ids: [Int] = []
    public var tokens: [String] = []
    /// Segment of each token: BERT pairs use 0 then 1; RoBERTa and BART use 0 throughout.
    public var typeIds: [Int] = []
    public var offsets: [TokenOffset] = []
    /// 1 for real tokens, 0 for padding.
    public var attentionMask: [Int] = []
    /// 1 for tokens the post-processor or padding added.
    public var specialTokensMask: [Int] = []
    /// 0 or 1 for tokens of the first or second sequence, nil for added tokens.
    public var sequenceIds: [Int?] = []
    /// What truncation cut off, as further encodings (Hugging Face's `overflowing`).
    public var overflowing: [Encoding] = []
    /// Number of content tokens dropped by truncation, over all overflowing parts
    /// (parts overlap by the truncation stride, which is not counted twice).
    public var truncatedTokenCount: Int = 0

    public init() {}

    public var count: Int { ids.count }

    mutating func append(id: Int, token: String, typeId: Int, offset: TokenOffset, special: Bool, sequence: Int?) {
        ids.append(id)
        tokens.append(token)
        typeIds.append(typeId)
        offsets.append(offset)
        attentionMask.append(1)
        specialTokensMask.append(special ? 1 : 0)
        sequenceIds.append(sequence)
    }

    mutating func append(contentsOf other: Encoding) {
        ids += other.ids
        tokens += other.tokens
        typeIds += other.typeIds
        offsets += other.offsets
        attentionMask += other.attentionMask
        specialTokensMask += other.specialTokensMask
        sequenceIds += other.sequenceIds
    }

    /// Tokens `range` of this encoding, without overflow.
    public func slice(_ range: Range<Int>) -> Encoding {
        var e = Encoding()
        e.ids = Array(ids[range])
        e.tokens = Array(tokens[range])
        e.typeIds = Array(typeIds[range])
        e.offsets = Array(offsets[range])
        e.attentionMask = Array(attentionMask[range])
        e.specialTokensMask = Array(specialTokensMask[range])
        e.sequenceIds = Array(sequenceIds[range])
        return e
    }
}
