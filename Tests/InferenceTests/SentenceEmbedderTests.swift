import Synchronization
import Foundation
import Testing
@testable import Inference

/// Our all-MiniLM-L6-v2 against sentence-transformers: every golden text.
@Suite(.serialized) struct SentenceEmbedderTests {
    struct Golden: Decodable {
        var text: String
        var windows: Int
        var vector: [Float]
    }

    static let embedder: Result<SentenceEmbedder, Error> = Result { try SentenceEmbedder(bundle: ModelFixtures.miniLM()) }

    @Test func matchesSentenceTransformers() throws {
        let embedder = try Self.embedder.get()
        let golden = try ModelFixtures.lines("minilm-embeddings.jsonl", as: Golden.self)
        #expect(golden.count >= 300)
        #expect(golden.filter { $0.windows > 1 }.count >= 30)
        // Mixed-length batches of varying sizes, in fixture order.
        var results: [SentenceEmbedder.Embedding] = []
        var start = 0, size = 1
        while start < golden.count {
            let end = min(start + size, golden.count)
            results += try embedder.embed(golden[start..<end].map(\.text))
            start = end
            size = size % 13 + 2
        }
        var failures: [String] = []
        for (g, r) in zip(golden, results) {
            let c = cosine(g.vector, r.vector), d = maxAbsDifference(g.vector, r.vector)
            if c < 0.99999 || d > 1e-4 || g.windows != r.windows {
                failures.append("cosine \(c), max diff \(d), windows \(r.windows) vs \(g.windows): \(String(reflecting: g.text.prefix(80)))")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(golden.count) differ:\n\(failures.prefix(5).joined(separator: "\n"))")
    }

    /// Progress counts windows, batch by batch, up to all of them.
    @Test func progressCountsWindows() throws {
        let embedder = try Self.embedder.get()
        let long = String(repeating: "the quarterly budget review ", count: 600)  // ~2,400 tokens: ~19 windows
        let seen = Mutex<[(Int, Int)]>([])
        let out = try embedder.embed(["short", long], progress: { done, total in seen.withLock { $0.append((done, total)) } })
        let calls = seen.withLock { $0 }
        let total = out.map(\.windows).reduce(0, +)
        #expect(total > 10 && calls.last.map { $0 == (total, total) } == true)
        #expect(calls.allSatisfy { $0.1 == total } && zip(calls, calls.dropFirst()).allSatisfy { $0.0 < $1.0 })
    }

    /// A report that throws stops the work at that window: the service stops a deleted task's pass so.
    @Test func aThrowingReportStopsTheWork() throws {
        struct Stop: Error {}
        let embedder = try SentenceEmbedder(bundle: ModelFixtures.miniLM(), maxBatchTokens: 256)
        let long = String(repeating: "the quarterly budget review ", count: 600)  // ~19 windows, one per batch
        let calls = Mutex(0)
        #expect(throws: Stop.self) {
            try embedder.embed([long], progress: { _, _ in
                let n = calls.withLock { $0 += 1; return $0 }
                if n == 2 { throw Stop() }
            })
        }
        #expect(calls.withLock { $0 } == 2, "no window after the stop")
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
        // Small token budgets force several packed batches: still the same.
        let tight = try SentenceEmbedder(bundle: ModelFixtures.miniLM(), maxBatchTokens: 16)
        for (a, b) in zip(alone, try tight.embed(texts)) { #expect(maxAbsDifference(a.vector, b.vector) <= 1e-6) }
    }

    @Test func vectorsAreUnitLength() throws {
        let embedder = try Self.embedder.get()
        for e in try embedder.embed(["x", String(repeating: "word ", count: 700)]) {
            let norm = e.vector.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
            #expect(e.vector.count == 384)
        }
    }

    @Test func debugTapNamesEveryLayer() throws {
        let embedder = try Self.embedder.get()
        let names = Mutex<[String]>([])
        _ = try embedder.embed("Buy milk", tap: { name, m in
            names.withLock { $0.append("\(name) \(m.rows)x\(m.columns)") }
        })
        let seen = names.withLock { $0 }
        #expect(seen.first == "embeddings 4x384")  // [CLS] buy milk [SEP]
        #expect(seen.contains("layer.5.output 4x384"))
        #expect(seen.count == 1 + 6 * 2)
    }
}
