import Synchronization

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
///
/// Loaded from a tokenizer's cache it starts from the tokens' bytes alone; the reverse
/// index is then built on first use (tokenizing never needs it, only lookups by name).
public struct Vocabulary: Sendable {
    public let tokens: TokenList
    /// How many tokens (ids may leave gaps, which `tokens` fills with "").
    public let count: Int
    private let index: ReverseIndex

    /// Duplicate tokens are refused by the loaders, which know the file and line.
    init(ids: [String: Int]) {
        var tokens = [String](repeating: "", count: (ids.values.max() ?? -1) + 1)
        for (token, id) in ids { tokens[id] = token }
        self.tokens = TokenList(tokens)
        self.count = ids.count
        self.index = ReverseIndex(ids)
    }

    /// Tokens by id, all present (no gaps), as a cache stores them.
    init(tokens: TokenList) {
        self.tokens = tokens
        self.count = tokens.count
        self.index = ReverseIndex(nil)
    }

    public var ids: [String: Int] { index.ids(tokens) }

    public func token(_ id: Int) -> String? { id >= 0 && id < tokens.count ? tokens[id] : nil }

    private final class ReverseIndex: Sendable {
        private let state: Mutex<[String: Int]?>
        init(_ ids: [String: Int]?) { state = Mutex(ids) }
        func ids(_ tokens: TokenList) -> [String: Int] {
            state.withLock { ids in
                if let ids { return ids }
                let built = Dictionary(uniqueKeysWithValues: tokens.enumerated().map { ($0.element, $0.offset) })
                ids = built
                return built
            }
        }
    }
}
