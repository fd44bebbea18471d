import Foundation

extension Tokenizer {
    /// Loads a tokenizer from a file or a directory holding one of:
    /// `tokenizer.json`; `vocab.txt` (+ optional `tokenizer_config.json`);
    /// `vocab.json` + `merges.txt`. A directory prefers `tokenizer.json`.
    public static func load(from path: String) throws -> Tokenizer {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TokenizerError.fileNotFound(path: path)
        }
        if !isDirectory.boolValue {
            switch url.lastPathComponent {
            case let name where name.hasSuffix(".txt") && name != "merges.txt":
                return try wordPieceFiles(vocab: url, config: url.deletingLastPathComponent().appendingPathComponent("tokenizer_config.json"))
            case "vocab.json", "merges.txt":
                let dir = url.deletingLastPathComponent()
                return try byteLevelFiles(vocab: dir.appendingPathComponent("vocab.json"), merges: dir.appendingPathComponent("merges.txt"))
            default:
                return try tokenizerJSON(url)
            }
        }
        let candidates = ["tokenizer.json", "vocab.txt", "vocab.json"].map { url.appendingPathComponent($0) }
        if FileManager.default.fileExists(atPath: candidates[0].path) { return try tokenizerJSON(candidates[0]) }
        if FileManager.default.fileExists(atPath: candidates[1].path) {
            return try wordPieceFiles(vocab: candidates[1], config: url.appendingPathComponent("tokenizer_config.json"))
        }
        if FileManager.default.fileExists(atPath: candidates[2].path) {
            return try byteLevelFiles(vocab: candidates[2], merges: url.appendingPathComponent("merges.txt"))
        }
        throw TokenizerError.fileNotFound(path: url.appendingPathComponent("tokenizer.json").path)
    }

    /// BERT from `vocab.txt`, configured by `tokenizer_config.json` when present
    /// (`do_lower_case`, `strip_accents`, `tokenize_chinese_chars`, special tokens).
    static func wordPieceFiles(vocab: URL, config: URL) throws -> Tokenizer {
        let vocabulary = try VocabularyFiles.wordPieceVocabulary(vocab)
        let settings = FileManager.default.fileExists(atPath: config.path)
            ? try JSONFields.parse(try VocabularyFiles.read(config), path: config.path) : JSONFields([:], path: config.path)
        func special(_ key: String, _ fallback: String) throws -> (String, Int) {
            let token = try settings.optionalString(key) ?? fallback
            guard let id = vocabulary.ids[token] else { throw TokenizerError.specialTokenNotInVocabulary(path: vocab.path, token: token) }
            return (token, id)
        }
        let unk = try special("unk_token", "[UNK]"), cls = try special("cls_token", "[CLS]"), sep = try special("sep_token", "[SEP]")
        let pad = try special("pad_token", "[PAD]"), mask = try special("mask_token", "[MASK]")
        let normalizer = BertNormalizer(cleanText: true, handleChineseChars: try settings.bool("tokenize_chinese_chars", default: true),
                                        lowercase: try settings.bool("do_lower_case", default: true),
                                        stripAccents: try settings.optionalBool("strip_accents"))
        let added = [pad, unk, cls, sep, mask].map { AddedToken(content: $0.0, id: $0.1, special: true) }
        var tokenizer = Tokenizer(addedTokens: added, normalizer: normalizer, preTokenizer: BertPreTokenizer(),
                                  model: try WordPiece(vocabulary: vocabulary, unknownToken: unk.0, source: vocab.path),
                                  postProcessor: TemplateProcessing.bert(cls: cls, sep: sep), decoder: WordPieceDecoder())
        tokenizer.modelMaxLength = try settings.optionalInt("model_max_length")
        return tokenizer
    }

    /// RoBERTa/BART from `vocab.json` + `merges.txt`, with their usual special tokens.
    static func byteLevelFiles(vocab: URL, merges: URL) throws -> Tokenizer {
        let vocabulary = try VocabularyFiles.jsonVocabulary(vocab)
        let (pairs, lines) = try VocabularyFiles.merges(merges)
        func special(_ token: String) throws -> (String, Int) {
            guard let id = vocabulary.ids[token] else { throw TokenizerError.specialTokenNotInVocabulary(path: vocab.path, token: token) }
            return (token, id)
        }
        let bos = try special("<s>"), eos = try special("</s>"), unk = try special("<unk>"), pad = try special("<pad>"), mask = try special("<mask>")
        var added = [bos, pad, eos, unk].map { AddedToken(content: $0.0, id: $0.1, special: true) }
        added.append(AddedToken(content: mask.0, id: mask.1, special: true, lstrip: true))
        let model = try BytePairEncoding(vocabulary: vocabulary, merges: pairs, unknownToken: nil, fuseUnknown: false,
                                         ignoreMerges: false, source: merges.path, mergeLineNumbers: lines)
        return Tokenizer(addedTokens: added, normalizer: nil, preTokenizer: ByteLevelPreTokenizer(addPrefixSpace: false),
                         model: model, postProcessor: RobertaProcessing(cls: bos, sep: eos, trimOffsets: true, addPrefixSpace: false),
                         decoder: ByteLevelDecoder())
    }

    /// Hugging Face's `tokenizer.json`; a WordPiece model comes from `tokenizer.json.cache`
    /// instead when that cache was made from this very file (see `WordPieceCache`).
    static func tokenizerJSON(_ url: URL) throws -> Tokenizer {
        let data = try VocabularyFiles.read(url)
        let cached = WordPieceCache.load(WordPieceCache.url(for: url), source: data)
        let json = try JSONFields.parse(data, path: url.path, skipping: cached == nil ? [] : ["model", "vocab"])
        let path = url.path
        let added = try (json.has("added_tokens") ? json.objects("added_tokens") : []).map { t in
            AddedToken(content: try t.string("content"), id: try t.int("id"), special: try t.bool("special", default: false),
                       singleWord: try t.bool("single_word", default: false), lstrip: try t.bool("lstrip", default: false),
                       rstrip: try t.bool("rstrip", default: false), normalized: try t.bool("normalized", default: false))
        }
        let model = try cached.map { WordPiece(cached: $0) } ?? TokenizerJSONComponents.model(try json.object("model"), path: path)
        var tokenizer = Tokenizer(
            addedTokens: added,
            normalizer: try json.optionalObject("normalizer").map { try TokenizerJSONComponents.normalizer($0) },
            preTokenizer: try json.optionalObject("pre_tokenizer").map { try TokenizerJSONComponents.preTokenizer($0) } ?? WholeTextPreTokenizer(),
            model: model,
            postProcessor: try json.optionalObject("post_processor").map { try TokenizerJSONComponents.postProcessor($0) },
            decoder: try json.optionalObject("decoder").map { try TokenizerJSONComponents.decoder($0) })
        if let t = try json.optionalObject("truncation") {
            let strategy = try t.optionalString("strategy") ?? "LongestFirst"
            let map: [String: Truncation.Strategy] = ["LongestFirst": .longestFirst, "OnlyFirst": .onlyFirst, "OnlySecond": .onlySecond]
            guard let s = map[strategy] else { throw TokenizerError.unsupported(path: path, component: "truncation strategy", detail: strategy) }
            tokenizer.fileTruncation = Truncation(maxLength: try t.int("max_length"), strategy: s, stride: try t.optionalInt("stride") ?? 0)
        }
        if let p = try json.optionalObject("padding") {
            var length = Padding.Length.longest
            if let n = p.object["strategy"]?.object?["Fixed"]?.int { length = .fixed(n) }
            tokenizer.filePadding = Padding(length: length, padToMultipleOf: try p.optionalInt("pad_to_multiple_of"),
                                            padId: try p.int("pad_id"), padTypeId: try p.optionalInt("pad_type_id") ?? 0,
                                            padToken: try p.string("pad_token"))
        }
        let config = url.deletingLastPathComponent().appendingPathComponent("tokenizer_config.json")
        if FileManager.default.fileExists(atPath: config.path),
           let settings = try? JSONFields.parse(try VocabularyFiles.read(config), path: config.path),
           let n = settings.object["model_max_length"]?.int, n < 1_000_000_000 {
            tokenizer.modelMaxLength = n
        }
        return tokenizer
    }
}

extension Tokenizer {
    /// Writes `tokenizer.json.cache` beside `tokenizerJSON` (atomically) when its model is
    /// WordPiece; returns the cache's URL, or nil for models the cache does not cover.
    public static func writeCache(for tokenizerJSON: URL) throws -> URL? {
        let data = try VocabularyFiles.read(tokenizerJSON)
        let json = try JSONFields.parse(data, path: tokenizerJSON.path)
        guard let wordPiece = try TokenizerJSONComponents.model(try json.object("model"), path: tokenizerJSON.path) as? WordPiece,
              wordPiece.vocabulary.count == wordPiece.vocabulary.tokens.count  // ids without gaps
        else { return nil }
        let url = WordPieceCache.url(for: tokenizerJSON)
        try WordPieceCache.encode(wordPiece.cacheContents, source: data).write(to: url, options: .atomic)
        return url
    }

    /// Whether a bundle file name is a tokenizer cache (derived from another file of the bundle).
    public static func isCacheFile(_ name: String) -> Bool { name.hasSuffix(".json" + WordPieceCache.suffix) }
}

/// The pre-tokenizer used when a tokenizer.json declares none: the whole text is one word.
struct WholeTextPreTokenizer: PreTokenizer {
    func preTokenize(_ text: inout NormalizedText) -> [Range<Int>] { text.isEmpty ? [] : [0..<text.units.count] }
}
