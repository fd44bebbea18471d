import Foundation
import Testing
@testable import Tokenizers

/// Every fixture input encodes to exactly what Hugging Face `tokenizers` produced:
/// ids, tokens, type ids, attention mask and code-point offsets.
@Suite struct GoldenEncodingTests {
    @Test(arguments: ["minilm", "mpnet", "roberta-style-bpe"])
    func matchesReference(name: String) throws {
        let tokenizer = try Fixtures.tokenizer(name)
        let rows = try Fixtures.lines("\(name).jsonl", as: EncodingFixture.self)
        #expect(rows.count >= 2000)
        var failures: [String] = []
        for row in rows {
            let e = try tokenizer.encode(row.text, pair: row.pair)
            let checks: [(String, Bool, Any, Any)] = [
                ("ids", e.ids == row.ids, row.ids, e.ids),
                ("tokens", e.tokens == row.tokens, row.tokens, e.tokens),
                ("type ids", e.typeIds == row.type_ids, row.type_ids, e.typeIds),
                ("attention masks", e.attentionMask == row.attention_mask, row.attention_mask, e.attentionMask),
                ("offsets", e.offsets == row.tokenOffsets, row.offsets, e.offsets.map { [$0.start, $0.end] }),
            ]
            if let (what, _, expected, actual) = checks.first(where: { !$0.1 }) {
                failures.append(describeMismatch(what, text: row.text, pair: row.pair, expected: expected, actual: actual))
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(rows.count) inputs differ; first:\n\(failures.prefix(5).joined(separator: "\n"))")
    }

    /// The same vocabularies loaded from the classic files encode identically.
    @Test(arguments: [("minilm/vocab.txt", "minilm"), ("roberta-style-bpe/vocab.json", "roberta-style-bpe")])
    func classicFilesMatchTokenizerJSON(file: String, fixture: String) throws {
        let tokenizer = try Fixtures.tokenizer(file)
        var failures: [String] = []
        for row in try Fixtures.lines("\(fixture).jsonl", as: EncodingFixture.self) {
            let e = try tokenizer.encode(row.text, pair: row.pair)
            if e.ids != row.ids || e.offsets != row.tokenOffsets || e.typeIds != row.type_ids {
                failures.append(describeMismatch("ids or offsets", text: row.text, pair: row.pair, expected: row.ids, actual: e.ids))
            }
        }
        #expect(failures.isEmpty, "\(failures.count) differ; first:\n\(failures.prefix(3).joined(separator: "\n"))")
    }

    struct DecodeFixture: Decodable {
        var tokenizer: String
        var ids: [Int]
        var text: String
    }

    @Test func decodesLikeReference() throws {
        let tokenizers = ["minilm": try Fixtures.tokenizer("minilm"), "roberta-style-bpe": try Fixtures.tokenizer("roberta-style-bpe")]
        var failures: [String] = []
        for row in try Fixtures.lines("decode.jsonl", as: DecodeFixture.self) {
            let decoded = tokenizers[row.tokenizer]!.decode(row.ids)
            if decoded.unicodeScalars.elementsEqual(row.text.unicodeScalars) == false {
                failures.append("\(String(reflecting: row.text)) decoded as \(String(reflecting: decoded))")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) differ; first:\n\(failures.prefix(5).joined(separator: "\n"))")
    }
}
