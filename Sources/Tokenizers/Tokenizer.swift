/// A complete tokenizer: added tokens, normalizer, pre-tokenizer, model,
/// post-processor and decoder, run in Hugging Face `tokenizers`' order.
public struct Tokenizer: Sendable {
    let addedTokens: [AddedToken]
    let normalizer: (any Normalizer)?
    let preTokenizer: any PreTokenizer
    let model: any TokenModel
    let postProcessor: (any PostProcessor)?
    let decoder: (any TokenDecoder)?
    private let rawMatcher: AddedTokenMatcher
    private let normalizedMatcher: AddedTokenMatcher

    /// Applied by `encode` when set. Loading never enables it: Smart TODO does
    /// not truncate unless asked (the file's own setting is kept in `fileTruncation`).
    public var truncation: Truncation?
    /// Applied by `encodeBatch` when set.
    public var padding: Padding?
    /// Truncation and padding as the tokenizer file declared them.
    public internal(set) var fileTruncation: Truncation?
    public internal(set) var filePadding: Padding?
    /// Longest input the model accepts, when the files say (`model_max_length`).
    public internal(set) var modelMaxLength: Int?

    init(addedTokens: [AddedToken], normalizer: (any Normalizer)?, preTokenizer: any PreTokenizer, model: any TokenModel,
         postProcessor: (any PostProcessor)?, decoder: (any TokenDecoder)?) {
        self.addedTokens = addedTokens
        self.normalizer = normalizer
        self.preTokenizer = preTokenizer
        self.model = model
        self.postProcessor = postProcessor
        self.decoder = decoder
        // Tokens declared `normalized` are looked for after normalization; without a normalizer both are the same text.
        self.rawMatcher = AddedTokenMatcher(addedTokens.filter { !$0.normalized || normalizer == nil })
        self.normalizedMatcher = AddedTokenMatcher(normalizer == nil ? [] : addedTokens.filter(\.normalized))
    }

    public var vocabulary: Vocabulary { model.vocabulary }

    /// The id of `token` in the vocabulary or among the added tokens.
    public func id(of token: String) -> Int? {
        addedTokens.first { $0.content == token }?.id ?? model.vocabulary.ids[token]
    }

    /// The token string of `id`.
    public func token(of id: Int) -> String? {
        addedTokens.first { $0.id == id }?.content ?? model.vocabulary.token(id)
    }

    /// Special tokens added around one sequence (`pair: false`) or a pair.
    public func specialTokenCount(pair: Bool) -> Int { postProcessor?.addedTokenCount(pair: pair) ?? 0 }

    /// Encodes a text, or a pair of texts, as the Python API's `Tokenizer.encode`.
    public func encode(_ text: String, pair: String? = nil, addSpecialTokens: Bool = true) throws -> Encoding {
        var first = encodeContent(text, sequence: 0)
        var second = pair.map { encodeContent($0, sequence: 1) }
        if let truncation {
            try truncation.apply(&first, &second, added: addSpecialTokens ? specialTokenCount(pair: second != nil) : 0)
        }
        return postProcess(first, second, addSpecialTokens: addSpecialTokens)
    }

    /// Encodes many inputs, then pads them together when `padding` is set.
    public func encodeBatch(_ inputs: [(text: String, pair: String?)], addSpecialTokens: Bool = true) throws -> [Encoding] {
        var out = try inputs.map { try encode($0.text, pair: $0.pair, addSpecialTokens: addSpecialTokens) }
        padding?.apply(&out)
        return out
    }

    /// Content tokens of one text, no special tokens, no truncation: type id =
    /// sequence index, as tokenizers encodes a pair's second text with type id 1.
    public func encodeContent(_ text: String, sequence: Int = 0) -> Encoding {
        let original = NormalizedText(scalars: text.unicodeScalars.lazy.map(\.value))
        var encoding = Encoding()
        var wordTokens: [WordToken] = []
        for segment in rawMatcher.split(original.units, 0..<original.units.count) {
            switch segment {
            case .added(let token, let range):
                // The token string is the matched text, whitespace absorbed by lstrip/rstrip included, as in HF.
                encoding.append(id: token.id, token: original.string(range), typeId: sequence,
                                offset: original.originalOffsets(range), special: false, sequence: sequence)
            case .text(let range):
                let slice = NormalizedText(units: Array(original.units[range]))
                let normalized = normalizer?.normalize(slice) ?? slice
                for piece in normalizedMatcher.split(normalized.units, 0..<normalized.units.count) {
                    switch piece {
                    case .added(let token, let r):
                        encoding.append(id: token.id, token: normalized.string(r), typeId: sequence,
                                        offset: normalized.originalOffsets(r), special: false, sequence: sequence)
                    case .text(let r):
                        var text = r == 0..<normalized.units.count ? normalized : NormalizedText(units: Array(normalized.units[r]))
                        for word in preTokenizer.preTokenize(&text) {
                            wordTokens.removeAll(keepingCapacity: true)
                            model.tokenize(text.units[word], into: &wordTokens)
                            for t in wordTokens {
                                let span = (word.lowerBound + Int(t.start))..<(word.lowerBound + Int(t.end))
                                encoding.append(id: Int(t.id), token: model.vocabulary.tokens[Int(t.id)], typeId: sequence,
                                                offset: text.originalOffsets(span), special: false, sequence: sequence)
                            }
                        }
                    }
                }
            }
        }
        return encoding
    }

    /// Adds special tokens (when asked) to already tokenized content, for
    /// callers that build windows or truncate themselves.
    public func postProcess(_ first: Encoding, _ second: Encoding?, addSpecialTokens: Bool = true) -> Encoding {
        var out: Encoding
        if addSpecialTokens, let postProcessor {
            out = postProcessor.process(first, second)
            out.overflowing = first.overflowing.map { postProcessor.process($0, second) }
                + (second?.overflowing.map { postProcessor.process(first, $0) } ?? [])
        } else {
            out = first
            if let second { out.append(contentsOf: second) }
            out.overflowing = first.overflowing + (second?.overflowing ?? [])
        }
        out.truncatedTokenCount = first.truncatedTokenCount + (second?.truncatedTokenCount ?? 0)
        return out
    }

    /// Splits `text` into overlapping windows that each fit `maxLength` tokens
    /// with special tokens (see `TokenWindows` for the rule), each post-processed.
    public func encodeWindows(_ text: String, maxLength: Int) throws -> [Encoding] {
        let content = encodeContent(text)
        let width = maxLength - specialTokenCount(pair: false)
        return try TokenWindows.ranges(count: content.count, width: width).map {
            postProcess(content.slice($0), nil)
        }
    }

    /// Text of `ids`, as the Python API's `decode`: special tokens skipped by default.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = true) -> String {
        let special = Set(addedTokens.filter(\.special).map(\.id))
        let tokens = ids.compactMap { id -> String? in
            if skipSpecialTokens && special.contains(id) { return nil }
            return token(of: id)
        }
        return decoder?.decode(tokens) ?? tokens.joined(separator: " ")
    }
}
