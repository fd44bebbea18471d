import Foundation
import Synchronization
import Testing
@testable import Inference
import Tokenizers

/// The MPNet encoder on the tiny random-weight checkpoint of Tools/reference/generate_mpnet_fixtures.py
/// (hidden 32, 2 layers, 4 heads, max_seq_length 200, a relative attention bias strong enough that
/// dropping it moves the vectors): conversion, strict loading, the position bias, windows and batching,
/// against transformers, without the 438 MB all-mpnet-base-v2.
@Suite struct MPNetTests {
    struct Golden: Decodable {
        var text: String
        var windows: Int
        var vector: [Float]
    }

    static let checkpoint = ModelFixtures.fixtures.appendingPathComponent("mpnet-tiny/checkpoint")

    /// The fixture checkpoint converted by convert-weights into a temporary bundle.
    static func bundle() throws -> ModelBundle {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("mpnet-tiny-\(UUID().uuidString)")
        _ = try CheckpointConverter(input: checkpoint, output: output).convert(name: "mpnet-tiny")
        return try ModelBundle(directory: output)
    }

    static let embedder: Result<SentenceEmbedder, Error> = Result { try SentenceEmbedder(bundle: bundle()) }

    static func model(_ embedder: SentenceEmbedder) throws -> MPNetModel {
        guard case .mpnet(let model) = embedder.model else { throw BundleError.wrongTask(path: "", expected: "mpnet", actual: "bert") }
        return model
    }

    @Test func convertsAsASentenceEmbedder() throws {
        let embedder = try Self.embedder.get()
        let c = embedder.bundle.config
        #expect(c.architecture == "mpnet" && c.task == "sentence-embedding")
        #expect(c.maxLength == 200 && embedder.windowWidth == 198)  // sentence_bert_config's 200 − <s> and </s>
        #expect(c.pooling == Pooling(mode: .mean, normalize: true))
        #expect(c.conversion.droppedTensors == ["embeddings.position_ids"])
        #expect(try embedder.bundle.verify() == nil)
    }

    @Test func matchesTransformers() throws {
        let embedder = try Self.embedder.get()
        let golden = try ModelFixtures.lines("mpnet-tiny/embeddings.jsonl", as: Golden.self)
        #expect(golden.count >= 50 && golden.filter { $0.windows > 1 }.count >= 10)
        var results: [SentenceEmbedder.Embedding] = []
        var start = 0, size = 1
        while start < golden.count {
            let end = min(start + size, golden.count)
            results += try embedder.embed(golden[start..<end].map(\.text))
            start = end
            size = size % 7 + 2
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

    /// Window edges: 198 content tokens are one window, 199 two; windows start every 99 tokens, so
    /// the second reaches token 297 and the third 396.
    @Test func windowsFollowTheRule() throws {
        let embedder = try Self.embedder.get()
        for (tokens, windows) in [(198, 1), (199, 2), (297, 2), (298, 3), (396, 3), (397, 4)] {
            let text = Array(repeating: "a", count: tokens).joined(separator: " ")
            #expect(embedder.bundle.tokenizer.encodeContent(text).count == tokens)
            #expect(try embedder.embed(text).windows == windows, "\(tokens) tokens")
        }
    }

    struct Buckets: Decodable {
        var first_relative_position: Int
        var buckets: [Int]
    }

    /// transformers' relative_position_bucket, computed by torch in float32, at every relative
    /// position up to ±1100 (its boundaries at distances 16, 32 and 64 included).
    @Test func bucketsMatchTransformers() throws {
        let data = try Data(contentsOf: ModelFixtures.fixtures.appendingPathComponent("mpnet-tiny/buckets.json"))
        let golden = try JSONDecoder().decode(Buckets.self, from: data)
        #expect(golden.buckets.count == 2201)
        let mismatches = golden.buckets.enumerated().filter { i, bucket in
            MPNetEncoder.relativePositionBucket(golden.first_relative_position + i) != bucket
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) differ, first at relative position \(mismatches.first.map { golden.first_relative_position + $0.offset } ?? 0)")
        // By hand: the query itself 0; keys after it 16 + distance; keys 8–11 before it share bucket 8; far keys the last.
        #expect(MPNetEncoder.relativePositionBucket(0) == 0 && MPNetEncoder.relativePositionBucket(3) == 19)
        #expect((-11 ... -8).allSatisfy { MPNetEncoder.relativePositionBucket($0) == 8 })
        #expect(MPNetEncoder.relativePositionBucket(-500) == 15 && MPNetEncoder.relativePositionBucket(500) == 31)
    }

    /// The bias table holds weight[bucket(j − i), h] at (h, i, j), and a shorter length is its top-left block.
    @Test func positionBiasIsTheBucketWeightsByRelativePosition() throws {
        let encoder = try Self.model(Self.embedder.get()).encoder
        let weights = encoder.relativeAttentionBias.values, heads = encoder.heads
        let long = encoder.positionBias(length: 150), short = encoder.positionBias(length: 9)
        #expect(long.heads == heads && long.size == 150 && long.values.count == heads * 150 * 150)
        for h in 0..<heads {
            for (i, j) in [(0, 0), (0, 149), (149, 0), (70, 75), (3, 140), (130, 2)] {
                let expected = weights[MPNetEncoder.relativePositionBucket(j - i) * heads + h]
                #expect(long.values[(h * 150 + i) * 150 + j] == expected)
            }
            for i in 0..<9 { for j in 0..<9 { #expect(short.values[(h * 9 + i) * 9 + j] == long.values[(h * 150 + i) * 150 + j]) } }
        }
    }

    @Test func aTextGivesTheSameVectorAloneOrInAnyBatch() throws {
        let embedder = try Self.embedder.get()
        let long = String(repeating: "Review the quarterly budget and the vendor contracts. ", count: 40)
        let texts = ["Buy milk", "pay <pad> rent <UNK> now", long, "", "東京 office: sign the lease 🖊️", "Renew passport before the Zürich trip"]
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

    /// Positions count non-padding tokens from the padding index: a literal `<pad>` keeps index 1
    /// and the tokens after it continue the count.
    @Test func positionIdsSkipPaddingTokens() {
        let batch = PackedBatch([(ids: [0, 7, 1, 9, 2], typeIds: [0, 0, 0, 0, 0]), (ids: [0, 2], typeIds: [0, 0])])
        #expect(MPNetEmbeddings.positionIds(batch) == [2, 3, 1, 4, 5, 2, 3])
    }

    @Test func debugTapNamesEveryLayer() throws {
        let embedder = try Self.embedder.get()
        let names = Mutex<[String]>([])
        _ = try embedder.embed("Buy milk", tap: { name, m in names.withLock { $0.append("\(name) \(m.rows)x\(m.columns)") } })
        let seen = names.withLock { $0 }
        #expect(seen == ["embeddings 4x32", "layer.0.attention 4x32", "layer.0.output 4x32", "layer.1.attention 4x32", "layer.1.output 4x32"])
    }

    // MARK: - Strict loading

    /// The converted bundle's tensors, to be altered and loaded again.
    static func tensors() throws -> [(name: String, shape: [Int], values: [Float])] {
        let file = try Self.embedder.get().bundle.weights
        return try file.entries.values.sorted { $0.name < $1.name }.map { e in (e.name, e.shape, try file.float32(e.name, shape: e.shape).values) }
    }

    /// Writes `tensors` as a safetensors file and loads an MPNet encoder from it as the embedder does.
    static func load(_ tensors: [(name: String, shape: [Int], values: [Float])]) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mpnet-strict-\(UUID().uuidString).safetensors")
        let buffers = tensors.map { t in
            let b = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(t.values.count, 1))
            _ = b.initialize(from: t.values)
            return b
        }
        defer { buffers.forEach { $0.deallocate() } }
        try SafetensorsWriter.write(zip(tensors, buffers).map { t, b in (t.name, t.shape, UnsafeBufferPointer(rebasing: b[0..<t.values.count])) }, to: url)
        let loader = WeightLoader(file: try SafetensorsFile(path: url.path))
        _ = try MPNetModel(loader.root, config: try Self.embedder.get().bundle.modelConfig(MPNetConfig.self))
        try loader.finish(ignoring: MPNetModel.ignorableTensors)
    }

    @Test func strictLoadingNamesTheTensor() throws {
        var all = try Self.tensors()
        #expect(all.contains { $0.name.hasPrefix("pooler.") })  // ignored by name
        try Self.load(all)
        // The integer buffer real checkpoints carry is ignored too, in whatever dtype it comes.
        try Self.load(all + [("embeddings.position_ids", [1, 202], [Float](repeating: 0, count: 202))])

        let bias = "encoder.relative_attention_bias.weight"
        do {
            try Self.load(all.filter { $0.name != bias })
            Issue.record("a checkpoint without \(bias) loaded")
        } catch let SafetensorsError.missingTensor(_, tensor) {
            #expect(tensor == bias)
        }
        let index = try #require(all.firstIndex { $0.name == bias })
        var wrong = all
        wrong[index] = (bias, [16, 4], Array(all[index].values.prefix(64)))
        do {
            try Self.load(wrong)
            Issue.record("a [16, 4] relative attention bias loaded")
        } catch let SafetensorsError.wrongShape(_, tensor, expected, actual) {
            #expect(tensor == bias && expected == [32, 4] && actual == [16, 4])
        }
        let q = "encoder.layer.1.attention.attn.q.weight"
        let qIndex = try #require(all.firstIndex { $0.name == q })
        wrong = all
        wrong[qIndex] = (q, [16, 64], all[qIndex].values)
        do {
            try Self.load(wrong)
            Issue.record("a [16, 64] query weight loaded")
        } catch let SafetensorsError.wrongShape(_, tensor, expected, actual) {
            #expect(tensor == q && expected == [32, 32] && actual == [16, 64])
        }
        let stray = "encoder.layer.0.attention.attn.extra.weight"
        all.append((stray, [2], [1, 2]))
        do {
            try Self.load(all)
            Issue.record("a checkpoint with \(stray) loaded")
        } catch let SafetensorsError.unexpectedTensors(_, tensors) {
            #expect(tensors == [stray])
        }
    }

    @Test func configsItCannotRunAreRefused() throws {
        let config = #"{"model_type": "mpnet", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16, "relative_attention_num_buckets": 16}"#
        do {
            _ = try JSONDecoder().decode(MPNetConfig.self, from: Data(config.utf8))
            Issue.record("16 buckets accepted")
        } catch {
            #expect("\(error)".contains("relative_attention_num_buckets 16 is not supported"))
        }
        // An MPNet classifier is not supported: named by the converter, not half-converted.
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("mpnet-classifier-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.checkpoint, to: input)
        let configURL = input.appendingPathComponent("config.json")
        let original = try String(contentsOf: configURL, encoding: .utf8)
        try original.replacingOccurrences(of: "\"MPNetModel\"", with: "\"MPNetForSequenceClassification\"").write(to: configURL, atomically: true, encoding: .utf8)
        #expect(throws: ConversionError.self) { try CheckpointConverter(input: input, output: input.appendingPathComponent("out")).convert() }
        #expect(!FileManager.default.fileExists(atPath: input.appendingPathComponent("out").path))
    }
}
