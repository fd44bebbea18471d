import Foundation

/// Builds pipeline stages from the sections of a `tokenizer.json`. Anything
/// this engine does not implement is refused by name, never approximated.
enum TokenizerJSONComponents {
    static func model(_ m: JSONFields, path: String) throws -> any TokenModel {
        let type = try m.optionalString("type") ?? (m.has("merges") ? "BPE" : "WordPiece")
        guard let vocab = m.object["vocab"]?.object else { throw TokenizerError.missingField(path: path, field: m.name("vocab")) }
        let vocabulary = try VocabularyFiles.jsonVocabulary(vocab, path: path, field: m.name("vocab"))
        switch type {
        case "WordPiece":
            return try WordPiece(vocabulary: vocabulary, unknownToken: try m.optionalString("unk_token") ?? "[UNK]",
                                 continuingSubwordPrefix: try m.optionalString("continuing_subword_prefix") ?? "##",
                                 maxInputCharsPerWord: try m.optionalInt("max_input_chars_per_word") ?? 100,
                                 source: path)
        case "BPE":
            if let d = m.object["dropout"]?.double, d > 0 {
                throw TokenizerError.unsupported(path: path, component: "BPE option", detail: "dropout \(d) (encoding would be random)")
            }
            if try m.bool("byte_fallback", default: false) {
                throw TokenizerError.unsupported(path: path, component: "BPE option", detail: "byte_fallback")
            }
            for key in ["continuing_subword_prefix", "end_of_word_suffix"] where (try m.optionalString(key)).map({ !$0.isEmpty }) ?? false {
                throw TokenizerError.unsupported(path: path, component: "BPE option", detail: key)
            }
            var pairs: [(String, String)] = []
            for (i, entry) in try m.array("merges").enumerated() {
                if let s = entry.string {
                    guard let pair = VocabularyFiles.mergePair(s) else { throw TokenizerError.badMergeLine(path: path, line: i + 1, text: s) }
                    pairs.append(pair)
                } else if let a = entry.array?.compactMap(\.string), a.count == 2 {
                    pairs.append((a[0], a[1]))
                } else {
                    throw TokenizerError.badMergeLine(path: path, line: i + 1, text: "\(entry)")
                }
            }
            return try BytePairEncoding(vocabulary: vocabulary, merges: pairs, unknownToken: try m.optionalString("unk_token"),
                                        fuseUnknown: try m.bool("fuse_unk", default: false),
                                        ignoreMerges: try m.bool("ignore_merges", default: false), source: path)
        default:
            throw TokenizerError.unsupported(path: path, component: "model", detail: type)
        }
    }

    static func normalizer(_ n: JSONFields) throws -> any Normalizer {
        let type = try n.string("type")
        guard type == "BertNormalizer" else { throw TokenizerError.unsupported(path: n.path, component: "normalizer", detail: type) }
        return BertNormalizer(cleanText: try n.bool("clean_text", default: true),
                              handleChineseChars: try n.bool("handle_chinese_chars", default: true),
                              lowercase: try n.bool("lowercase", default: true),
                              stripAccents: try n.optionalBool("strip_accents"))
    }

    static func preTokenizer(_ p: JSONFields) throws -> any PreTokenizer {
        switch try p.string("type") {
        case "BertPreTokenizer":
            return BertPreTokenizer()
        case "ByteLevel":
            return ByteLevelPreTokenizer(addPrefixSpace: try p.bool("add_prefix_space", default: true),
                                         useRegex: try p.bool("use_regex", default: true))
        case let other:
            throw TokenizerError.unsupported(path: p.path, component: "pre_tokenizer", detail: other)
        }
    }

    static func postProcessor(_ p: JSONFields) throws -> any PostProcessor {
        func pair(_ key: String) throws -> (String, Int) {
            guard let a = p.object[key]?.array, a.count == 2, let token = a[0].string, let id = a[1].int else {
                throw TokenizerError.missingField(path: p.path, field: p.name(key))
            }
            return (token, id)
        }
        switch try p.string("type") {
        case "BertProcessing":
            return TemplateProcessing.bert(cls: try pair("cls"), sep: try pair("sep"))
        case "RobertaProcessing":
            return RobertaProcessing(cls: try pair("cls"), sep: try pair("sep"), trimOffsets: try p.bool("trim_offsets", default: true),
                                     addPrefixSpace: try p.bool("add_prefix_space", default: true))
        case "ByteLevel":
            return ByteLevelProcessing(trimOffsets: try p.bool("trim_offsets", default: true),
                                       addPrefixSpace: try p.bool("add_prefix_space", default: true))
        case "TemplateProcessing":
            return try template(p)
        case let other:
            throw TokenizerError.unsupported(path: p.path, component: "post_processor", detail: other)
        }
    }

    private static func template(_ p: JSONFields) throws -> TemplateProcessing {
        func pieces(_ key: String) throws -> [TemplateProcessing.Piece] {
            try p.objects(key).map { piece in
                if let s = try piece.optionalObject("SpecialToken") {
                    return .special(name: try s.string("id"), typeId: try s.int("type_id"))
                }
                let s = try piece.object("Sequence")
                return .sequence(first: try s.string("id") == "A", typeId: try s.int("type_id"))
            }
        }
        var specials: [String: TemplateProcessing.SpecialTokens] = [:]
        if let table = try p.optionalObject("special_tokens") {
            for name in table.object.keys {
                let s = try table.object(name)
                let ids = try s.array("ids").compactMap(\.int), tokens = try s.array("tokens").compactMap(\.string)
                guard ids.count == tokens.count, !ids.isEmpty else { throw TokenizerError.missingField(path: p.path, field: s.name("ids")) }
                specials[name] = .init(ids: ids, tokens: tokens)
            }
        }
        let t = TemplateProcessing(single: try pieces("single"), pair: try pieces("pair"), specialTokens: specials)
        for case .special(let name, _) in t.single + t.pair where specials[name] == nil {
            throw TokenizerError.missingField(path: p.path, field: p.name("special_tokens.\(name)"))
        }
        return t
    }

    static func decoder(_ d: JSONFields) throws -> any TokenDecoder {
        switch try d.string("type") {
        case "WordPiece":
            return WordPieceDecoder(prefix: try d.optionalString("prefix") ?? "##", cleanup: try d.bool("cleanup", default: true))
        case "ByteLevel":
            return ByteLevelDecoder()
        case let other:
            throw TokenizerError.unsupported(path: d.path, component: "decoder", detail: other)
        }
    }
}
