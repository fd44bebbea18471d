import Foundation
import JSONReader
import Testing
@testable import Tokenizers

/// Broken tokenizer files give typed errors naming the file and the place.
@Suite struct BadInputTests {
    let scratch: URL

    init() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tokenizer-bad-input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = scratch.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func miniLMJSON() throws -> String { try String(contentsOfFile: Fixtures.path("minilm/tokenizer.json"), encoding: .utf8) }

    @Test func missingFile() {
        #expect(throws: TokenizerError.fileNotFound(path: "/nonexistent/tokenizer.json")) { try Tokenizer.load(from: "/nonexistent/tokenizer.json") }
    }

    @Test func truncatedTokenizerJSON() throws {
        let full = try miniLMJSON()
        let path = try write("truncated/tokenizer.json", String(full.prefix(full.count / 2)))
        do {
            _ = try Tokenizer.load(from: path)
            Issue.record("a truncated file loaded")
        } catch let TokenizerError.malformedJSON(p, detail) {
            #expect(p == path)
            #expect(detail.contains("ends in the middle of the JSON") && detail.contains("line "), "\(detail)")
        }
    }

    @Test func malformedTokenizerJSONNamesTheLine() throws {
        let path = try write("malformed/tokenizer.json", "{\n  \"version\": \"1.0\",\n  \"model\": {\n    \"vocab\": {\"a\": 1,,}\n  }\n}\n")
        do {
            _ = try Tokenizer.load(from: path)
            Issue.record("a malformed file loaded")
        } catch let TokenizerError.malformedJSON(p, detail) {
            #expect(p == path)
            #expect(detail == "line 4, column 22: expected a quoted key", "\(detail)")
        }
    }

    @Test func emptyFile() throws {
        let path = try write("empty/tokenizer.json", "")
        #expect(throws: TokenizerError.malformedJSON(path: path, detail: "the file is empty")) { try Tokenizer.load(from: path) }
    }

    @Test func vocabularyWithoutUnknownToken() throws {
        let json = try miniLMJSON().replacingOccurrences(of: "\"unk_token\":\"[UNK]\"", with: "\"unk_token\":\"[NOPE]\"")
            .replacingOccurrences(of: "\"unk_token\": \"[UNK]\"", with: "\"unk_token\": \"[NOPE]\"")
        let path = try write("nounk/tokenizer.json", json)
        #expect(throws: TokenizerError.unknownTokenNotInVocabulary(path: path, token: "[NOPE]")) { try Tokenizer.load(from: path) }

        let vocab = try String(contentsOfFile: Fixtures.path("minilm/vocab.txt"), encoding: .utf8).replacingOccurrences(of: "[UNK]\n", with: "[UNUSED]\n")
        let vocabPath = try write("nounk-txt/vocab.txt", vocab)
        #expect(throws: TokenizerError.specialTokenNotInVocabulary(path: vocabPath, token: "[UNK]")) { try Tokenizer.load(from: vocabPath) }
    }

    @Test func mergesNamingUnknownTokens() throws {
        let vocab = try String(contentsOfFile: Fixtures.path("roberta-style-bpe/vocab.json"), encoding: .utf8)
        _ = try write("merges/vocab.json", vocab)
        let firstMerge = try VocabularyFiles.lines(URL(fileURLWithPath: Fixtures.path("roberta-style-bpe/merges.txt")))[1]
        let merges = try write("merges/merges.txt", "#version: 0.2\n\(firstMerge)\nzzzunknown q\n")
        #expect(throws: TokenizerError.mergeTokenNotInVocabulary(path: merges, line: 3, token: "zzzunknown")) { try Tokenizer.load(from: merges) }
        let bad = try write("merges/merges.txt", "#version: 0.2\n\(firstMerge)\nthree parts here\n")
        #expect(throws: TokenizerError.badMergeLine(path: bad, line: 3, text: "three parts here")) { try Tokenizer.load(from: bad) }
    }

    @Test func unsupportedComponentIsNamed() throws {
        let json = try miniLMJSON().replacingOccurrences(of: "\"type\":\"BertPreTokenizer\"", with: "\"type\":\"Metaspace\"")
            .replacingOccurrences(of: "\"type\": \"BertPreTokenizer\"", with: "\"type\": \"Metaspace\"")
        let path = try write("unsupported/tokenizer.json", json)
        #expect(throws: TokenizerError.unsupported(path: path, component: "pre_tokenizer", detail: "Metaspace")) { try Tokenizer.load(from: path) }
    }

    @Test func missingModelSection() throws {
        let path = try write("nomodel/tokenizer.json", "{\"version\": \"1.0\"}")
        #expect(throws: TokenizerError.missingField(path: path, field: "model")) { try Tokenizer.load(from: path) }
    }

    @Test func errorsReadWell() {
        let e = TokenizerError.mergeTokenNotInVocabulary(path: "m.txt", line: 7, token: "xyz")
        #expect(e.localizedDescription == "m.txt:7: merge names 'xyz', which is not in the vocabulary")
    }
}

@Suite struct JSONParserTests {
    func problem(_ text: String) -> JSONParser.Problem? {
        do { _ = try JSONParser.parse(Data(text.utf8)); return nil } catch { return error as? JSONParser.Problem }
    }

    @Test func parsesValues() throws {
        let v = try JSONParser.parse(Data(#"{"a": [1, -2.5e3, true, null, "x\u00e9\ud83d\ude00\n"], "\ufeffb": {}}"#.utf8))
        #expect(v.object?["a"]?.array?[0] == .int(1))
        #expect(v.object?["a"]?.array?[1] == .double(-2500))
        #expect(v.object?["a"]?.array?[4].string == "xé😀\n")
        #expect(v.object?["\u{FEFF}b"] == .object([:]))
        // Raw U+FEFF inside a string survives (Foundation's JSONSerialization drops it on Linux).
        #expect(try JSONParser.parse(Data("[\"\u{FEFF} x\"]".utf8)).array?[0].string?.unicodeScalars.first == "\u{FEFF}")
    }

    @Test func locatesProblems() {
        #expect(problem("{\"a\": [1, 2")?.message == "the file ends in the middle of the JSON (truncated?)")
        #expect(problem("{\n\"a\" 1}") == .init(line: 2, column: 5, message: "expected ':' after the key"))
        #expect(problem("[1 2]") == .init(line: 1, column: 4, message: "expected ',' or ']'"))
        #expect(problem("{} x") == .init(line: 1, column: 4, message: "unexpected text after the JSON value"))
        #expect(problem(String(repeating: "[", count: 600))?.message == "nested more than 512 levels deep")
        #expect(problem("[\"\\ud800\"]")?.message == "unpaired surrogate escape")
        #expect(problem("[1.]")?.message == "malformed number")
        #expect(problem("[tru]")?.message == "expected 'true'")
    }
}
