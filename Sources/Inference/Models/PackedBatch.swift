/// Variable-length sequences packed end to end, without padding: linear layers
/// run once over all tokens; attention and pooling stay within each sequence,
/// so a sequence's result does not depend on what it is batched with.
public struct PackedBatch: Sendable {
    public private(set) var ids: [Int] = []
    public private(set) var typeIds: [Int] = []
    /// Position of each token within its sequence.
    public private(set) var positions: [Int] = []
    /// Token range of each sequence.
    public private(set) var sequences: [Range<Int>] = []

    public init() {}

    public init(_ sequences: [(ids: [Int], typeIds: [Int])]) {
        for s in sequences { append(ids: s.ids, typeIds: s.typeIds) }
    }

    public mutating func append(ids: [Int], typeIds: [Int]) {
        precondition(ids.count == typeIds.count, "ids and type ids differ in length")
        let start = self.ids.count
        self.ids += ids
        self.typeIds += typeIds
        positions += 0..<ids.count
        sequences.append(start..<self.ids.count)
    }

    public var tokenCount: Int { ids.count }
    public var longest: Int { sequences.map(\.count).max() ?? 0 }
}

/// Receives named intermediate tensors (`embeddings`, `layer.3.attention`, …)
/// to diff against PyTorch or to profile; nil in normal runs.
public typealias TensorTap = @Sendable (String, Matrix) -> Void
