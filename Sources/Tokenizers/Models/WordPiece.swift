/// WordPiece (tokenizers' `models/wordpiece/mod.rs`): greedy longest match from
/// the left, later pieces carrying the `##` prefix. A word longer than
/// `maxInputCharsPerWord` scalars, or with any piece not in the vocabulary,
/// becomes the single unknown token.
struct WordPiece: TokenModel {
    let vocabulary: Vocabulary
    let unknownId: Int32
    let continuingSubwordPrefix: String
    let maxInputCharsPerWord: Int
    private let wordStarts: ScalarTrie
    private let continuations: ScalarTrie

    init(vocabulary: Vocabulary, unknownToken: String, continuingSubwordPrefix: String = "##",
         maxInputCharsPerWord: Int = 100, source: String) throws {
        guard let unk = vocabulary.ids[unknownToken] else {
            throw TokenizerError.unknownTokenNotInVocabulary(path: source, token: unknownToken)
        }
        self.vocabulary = vocabulary
        self.unknownId = Int32(unk)
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.maxInputCharsPerWord = maxInputCharsPerWord
        // Sized up front: growing dictionaries rehash, which dominated loading.
        let edges = vocabulary.count * 5 / 2
        var starts = ScalarTrie(reservingEdges: edges), continuations = ScalarTrie(reservingEdges: edges / 2)
        let prefix = Array(continuingSubwordPrefix.unicodeScalars.map(\.value))
        // In id order, so the tries (and the cache written from them) come out the same every time.
        let entries = vocabulary.count == vocabulary.tokens.count
            ? Array(zip(vocabulary.tokens, vocabulary.tokens.indices))
            : vocabulary.ids.sorted { $0.value < $1.value }.map { ($0.key, $0.value) }
        for (token, id) in entries {
            let scalars = token.unicodeScalars.lazy.map(\.value)
            starts.insert(scalars, id: id)
            if !prefix.isEmpty, scalars.starts(with: prefix), token.unicodeScalars.count > prefix.count {
                continuations.insert(scalars.dropFirst(prefix.count), id: id)
            }
        }
        self.wordStarts = starts
        self.continuations = continuations
    }

    /// A WordPiece rebuilt from its cache (`WordPieceCache`): no vocabulary parsing, no trie building.
    init(cached c: WordPieceCache.Contents) {
        vocabulary = Vocabulary(tokens: c.tokens)
        unknownId = Int32(c.unknownId)
        continuingSubwordPrefix = c.continuingSubwordPrefix
        maxInputCharsPerWord = c.maxInputCharsPerWord
        wordStarts = c.wordStarts
        continuations = c.continuations
    }

    /// What `WordPieceCache` stores: everything this model is made of.
    var cacheContents: WordPieceCache.Contents {
        WordPieceCache.Contents(tokens: vocabulary.tokens, unknownId: Int(unknownId), continuingSubwordPrefix: continuingSubwordPrefix,
                                maxInputCharsPerWord: maxInputCharsPerWord, wordStarts: wordStarts, continuations: continuations)
    }

    func tokenize(_ word: ArraySlice<TextUnit>, into tokens: inout [WordToken]) {
        let base = word.startIndex
        let whole = WordToken(id: unknownId, start: 0, end: Int32(word.count))
        if word.count > maxInputCharsPerWord {
            tokens.append(whole)
            return
        }
        let mark = tokens.count
        var start = base
        while start < word.endIndex {
            let trie = start == base ? wordStarts : continuations
            guard let (end, id) = trie.longestMatch(word, from: start) else {
                tokens.removeLast(tokens.count - mark)
                tokens.append(whole)
                return
            }
            tokens.append(WordToken(id: id, start: Int32(start - base), end: Int32(end - base)))
            start = end
        }
    }
}
