import Foundation
import JSONReader
import Testing
@testable import Tokenizers

/// `tokenizer.json.cache`: the same encodings as the JSON, used only for the JSON it was
/// made from, and a damaged cache falls back to the JSON instead of crashing.
@Suite struct WordPieceCacheTests {
    /// The MiniLM fixture copied into a scratch directory (the cache is written beside it).
    static func scratchCopy() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wordpiece-cache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for name in ["tokenizer.json", "tokenizer_config.json"] {
            try FileManager.default.copyItem(atPath: Fixtures.path("minilm/\(name)"), toPath: dir.appendingPathComponent(name).path)
        }
        return dir.appendingPathComponent("tokenizer.json")
    }

    static func model(_ t: Tokenizer) -> WordPiece { t.model as! WordPiece }

    @Test func theCachedTokenizerEncodesEveryGoldenInputIdentically() throws {
        let json = try Self.scratchCopy()
        let fromJSON = try Tokenizer.load(from: json.path)
        let cacheURL = try #require(try Tokenizer.writeCache(for: json))
        #expect(cacheURL.lastPathComponent == "tokenizer.json.cache")
        let source = try Data(contentsOf: json)
        let contents = try #require(WordPieceCache.load(cacheURL, source: source))
        let same = contents == Self.model(fromJSON).cacheContents  // (not inside #expect: it would print 30,000 tokens)
        #expect(same)

        let cached = try Tokenizer.load(from: json.path)
        let sameModel = Self.model(cached).cacheContents == Self.model(fromJSON).cacheContents
        #expect(sameModel)
        var failures = 0
        for row in try Fixtures.lines("minilm.jsonl", as: EncodingFixture.self) {
            let e = try cached.encode(row.text, pair: row.pair)
            if e.ids != row.ids || e.tokens != row.tokens || e.offsets != row.tokenOffsets { failures += 1 }
        }
        #expect(failures == 0)
        // Lookups by name still work: the reverse index is built on first use.
        #expect(cached.id(of: "passport") == fromJSON.id(of: "passport"))
        #expect(cached.vocabulary.ids.count == fromJSON.vocabulary.ids.count)
    }

    /// The cache's tokens stay bytes until asked for: the same tokens as strings, and bytes that
    /// would not cut into whole UTF-8 tokens are refused, as the cache would be.
    @Test func tokensKeptAsBytesAreTheSameTokens() throws {
        let words = ["[PAD]", "zürich", "##ü", "日本", ""]
        var bytes: [UInt8] = [], offsets: [UInt32] = [0]
        for w in words { bytes += w.utf8; offsets.append(UInt32(bytes.count)) }
        let packed = try #require(TokenList(bytes: bytes, offsets: offsets))
        #expect(packed == TokenList(words) && Array(packed) == words && packed[1] == "zürich" && packed.count == 5)
        let inside = UInt32(Array("[PAD]z".utf8).count + 1)  // between the two bytes of "ü"
        #expect(TokenList(bytes: bytes, offsets: [0, 5, inside, UInt32(bytes.count)]) == nil)
        #expect(TokenList(bytes: bytes, offsets: [0, 9, 5, UInt32(bytes.count)]) == nil)
        #expect(TokenList(bytes: bytes, offsets: [0, 5]) == nil)
        #expect(TokenList(bytes: bytes + [0xFF], offsets: offsets + [UInt32(bytes.count + 1)]) == nil)
    }

    @Test func aCacheIsIgnoredOnceItsTokenizerJSONChanges() throws {
        let json = try Self.scratchCopy()
        _ = try #require(try Tokenizer.writeCache(for: json))
        // Rename a vocabulary entry: the cache no longer describes this file.
        let text = try String(contentsOf: json, encoding: .utf8)
        #expect(text.contains("\"passport\":"))
        try text.replacingOccurrences(of: "\"passport\":", with: "\"passp0rt\":").write(to: json, atomically: true, encoding: .utf8)
        let reloaded = try Tokenizer.load(from: json.path)
        #expect(reloaded.id(of: "passport") == nil)
        #expect(try reloaded.encode("passp0rt").tokens.contains("passp0rt"))
        #expect(WordPieceCache.load(WordPieceCache.url(for: json), source: try Data(contentsOf: json)) == nil)
    }

    /// Truncations and flipped bytes anywhere: never a crash, never a different encoding.
    @Test func aDamagedCacheFallsBackToTheJSON() throws {
        let json = try Self.scratchCopy()
        let cacheURL = try #require(try Tokenizer.writeCache(for: json))
        let good = try Data(contentsOf: cacheURL)
        let source = try Data(contentsOf: json)
        let reference = try Tokenizer.load(from: json.path).encode("Renew the passport before the Zürich trip")
        var rng = SplitMix(seed: 7)
        var accepted = 0
        for round in 0..<60 {
            var bad = good
            if round % 3 == 0 {
                bad = bad.prefix(Int(rng.next() % UInt64(bad.count)))
            } else {
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    let at = Int(rng.next() % UInt64(bad.count))
                    bad[at] = UInt8(truncatingIfNeeded: rng.next())
                }
            }
            if let contents = WordPieceCache.decode(bad, source: source) {
                // A flip inside a token's bytes or an unused slot can survive the checks; it must still be usable.
                accepted += 1
                _ = WordPiece(cached: contents)
            }
            try bad.write(to: cacheURL)
            let e = try Tokenizer.load(from: json.path).encode("Renew the passport before the Zürich trip")
            if WordPieceCache.decode(bad, source: source) == nil { #expect(e == reference) }
        }
        #expect(accepted < 60)
    }
}

@Suite struct JSONSkippingTests {
    @Test func aSkippedValueIsCheckedButNotBuilt() throws {
        let text = #"{"model": {"vocab": {"a": 1, "b\"]}": [2, {"c": null}], "d": -1.5e3}, "type": "WordPiece"}, "vocab": 7}"#
        let value = try JSONParser.parse(Data(text.utf8), skipping: ["model", "vocab"])
        let model = try #require(value.object?["model"]?.object)
        #expect(model["vocab"]?.isNull == true)
        #expect(model["type"]?.string == "WordPiece")
        #expect(value.object?["vocab"]?.int == 7)  // same key elsewhere: built as usual
        #expect(try JSONParser.parse(Data(text.utf8)).object?["model"]?.object?["vocab"]?.object?.count == 3)
    }

    @Test(arguments: [#"{"model": {"vocab": {"a": 1]}}"#, #"{"model": {"vocab": {"a": tru}}}"#, #"{"model": {"vocab": {"a": "x}}}"#])
    func aMalformedSkippedValueIsStillAnError(_ text: String) {
        #expect(throws: JSONParser.Problem.self) { try JSONParser.parse(Data(text.utf8), skipping: ["model", "vocab"]) }
    }
}

/// A small deterministic generator for mutation tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
