import Foundation
import Synchronization
import Testing
@testable import Inference

/// Our all-mpnet-base-v2 against sentence-transformers: every golden text of
/// Tools/reference/generate_mpnet_fixtures.py. The bundle is installed on request only
/// (`bash Tools/fetch-weights.sh all-mpnet-base-v2`); without it these tests are skipped and say so.
@Suite(.serialized, .enabled(if: ModelFixtures.mpnetInstalled, ModelFixtures.mpnetMissing))
struct MPNetEmbedderTests {
    static let embedder: Result<SentenceEmbedder, Error> = Result { try SentenceEmbedder(bundle: ModelFixtures.mpnet()) }

    @Test func matchesSentenceTransformers() throws {
        let embedder = try Self.embedder.get()
        let golden = try ModelFixtures.lines("mpnet-embeddings.jsonl", as: SentenceEmbedderTests.Golden.self)
        #expect(golden.count >= 300)
        #expect(golden.filter { $0.windows > 1 }.count >= 35 && golden.contains { $0.windows == 4 })
        var results: [SentenceEmbedder.Embedding] = []
        var start = 0, size = 1
        while start < golden.count {
            let end = min(start + size, golden.count)
            results += try embedder.embed(golden[start..<end].map(\.text))
            start = end
            size = size % 13 + 2
        }
        var failures: [String] = []
        var worstCosine = 1.0, worstDifference: Float = 0
        for (g, r) in zip(golden, results) {
            let c = cosine(g.vector, r.vector), d = maxAbsDifference(g.vector, r.vector)
            worstCosine = min(worstCosine, c)
            worstDifference = max(worstDifference, d)
            if c < 0.99999 || d > 1e-4 || g.windows != r.windows {
                failures.append("cosine \(c), max diff \(d), windows \(r.windows) vs \(g.windows): \(String(reflecting: g.text.prefix(80)))")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(golden.count) differ (worst cosine \(worstCosine), max diff \(worstDifference)):\n\(failures.prefix(5).joined(separator: "\n"))")
    }

    /// max_seq_length 384: windows of 382 content tokens starting every 191.
    @Test func windowsOf382TokensEvery191() throws {
        let embedder = try Self.embedder.get()
        #expect(embedder.bundle.config.maxLength == 384 && embedder.windowWidth == 382)
        for (tokens, windows) in [(382, 1), (383, 2), (573, 2), (574, 3)] {
            let text = Array(repeating: "budget", count: tokens).joined(separator: " ")
            #expect(embedder.bundle.tokenizer.encodeContent(text).count == tokens)
            #expect(try embedder.embed(text).windows == windows, "\(tokens) tokens")
        }
    }

    @Test func aTextGivesTheSameVectorAloneOrInAnyBatch() throws {
        let embedder = try Self.embedder.get()
        let long = String(repeating: "Review the quarterly budget and the vendor contracts. ", count: 60)
        let texts = ["Buy milk", "Renew passport before the Zürich trip", long, "", "東京 office: sign the lease 🖊️"]
        let alone = try texts.map { try embedder.embed($0) }
        let together = try embedder.embed(texts)
        let reversed = try embedder.embed(texts.reversed())
        for i in texts.indices {
            #expect(maxAbsDifference(alone[i].vector, together[i].vector) <= 1e-6)
            #expect(maxAbsDifference(alone[i].vector, reversed[texts.count - 1 - i].vector) <= 1e-6)
            #expect(alone[i].windows == together[i].windows)
        }
        #expect(alone[2].windows > 1)
        let tight = try SentenceEmbedder(bundle: embedder.bundle, maxBatchTokens: 16)
        for (a, b) in zip(alone, try tight.embed(texts)) { #expect(maxAbsDifference(a.vector, b.vector) <= 1e-6) }
    }

    @Test func vectorsAreUnitLength() throws {
        let embedder = try Self.embedder.get()
        for e in try embedder.embed(["x", String(repeating: "word ", count: 900)]) {
            let norm = e.vector.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
            #expect(e.vector.count == 768)
        }
    }

    @Test func debugTapNamesEveryLayer() throws {
        let embedder = try Self.embedder.get()
        let names = Mutex<[String]>([])
        _ = try embedder.embed("Buy milk", tap: { name, m in names.withLock { $0.append("\(name) \(m.rows)x\(m.columns)") } })
        let seen = names.withLock { $0 }
        #expect(seen.first == "embeddings 4x768")  // <s> buy milk </s>
        #expect(seen.contains("layer.11.output 4x768"))
        #expect(seen.count == 1 + 12 * 2)
    }
}
