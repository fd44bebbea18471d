/// A token found inside one word: its id and the range of the word's units it covers.
struct WordToken: Sendable, Equatable {
    var id: Int32
    var start: Int32
    var end: Int32
}

/// Third pipeline stage: turns each pre-tokenized word into vocabulary ids.
protocol TokenModel: Sendable {
    /// Token strings indexed by id.
    var vocabulary: Vocabulary { get }
    /// Appends the tokens of `word` (scalars of one word) to `tokens`.
    func tokenize(_ word: ArraySlice<TextUnit>, into tokens: inout [WordToken])
}

/// A vocabulary: token strings by id and ids by token string.
public struct Vocabulary: Sendable {
    public let tokens: [String]
    public let ids: [String: Int]

    /// Duplicate tokens are refused by the loaders, which know the file and line.
    init(ids: [String: Int]) {
        var tokens = [String](repeating: "", count: (ids.values.max() ?? -1) + 1)
        for (token, id) in ids { tokens[id] = token }
        self.tokens = tokens
        self.ids = ids
    }

    public var count: Int { ids.count }

    public func token(_ id: Int) -> String? { id >= 0 && id < tokens.count ? tokens[id] : nil }
}
