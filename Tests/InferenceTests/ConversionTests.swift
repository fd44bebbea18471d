import Foundation
import Testing
@testable import Inference
import Tokenizers
import SeededRandom

/// convert-weights on a tiny random BERT in every supported checkpoint form.
@Suite struct ConversionTests {
    static let hidden = 8, layers = 2, intermediate = 16, vocab = 30522, positions = 64

    /// Tensor names and shapes of a BertModel checkpoint.
    static var shapes: [(String, [Int])] {
        var s: [(String, [Int])] = [
            ("embeddings.word_embeddings.weight", [vocab, hidden]), ("embeddings.position_embeddings.weight", [positions, hidden]),
            ("embeddings.token_type_embeddings.weight", [2, hidden]), ("embeddings.LayerNorm.weight", [hidden]), ("embeddings.LayerNorm.bias", [hidden]),
        ]
        for l in 0..<layers {
            let p = "encoder.layer.\(l)."
            for name in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"] {
                s += [(p + name + ".weight", [hidden, hidden]), (p + name + ".bias", [hidden])]
            }
            s += [(p + "attention.output.LayerNorm.weight", [hidden]), (p + "attention.output.LayerNorm.bias", [hidden]),
                  (p + "intermediate.dense.weight", [intermediate, hidden]), (p + "intermediate.dense.bias", [intermediate]),
                  (p + "output.dense.weight", [hidden, intermediate]), (p + "output.dense.bias", [hidden]),
                  (p + "output.LayerNorm.weight", [hidden]), (p + "output.LayerNorm.bias", [hidden])]
        }
        return s
    }

    /// Values exactly representable in f16 and bf16 (multiples of 1/64 in [-2, 2]).
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Float(Int(rng.next() % 257) - 128) / 64 }
    }

    enum Encoding { case f32, f16, bf16 }

    static func bytes(_ v: [Float], _ encoding: Encoding) -> [UInt8] {
        switch encoding {
        case .f32: return v.withUnsafeBytes { Array($0) }
        case .bf16: return v.flatMap { f -> [UInt8] in let b = UInt16(f.bitPattern >> 16); return [UInt8(b & 0xFF), UInt8(b >> 8)] }
        case .f16: return v.flatMap { f -> [UInt8] in let b = Float16(f).bitPattern; return [UInt8(b & 0xFF), UInt8(b >> 8)] }
        }
    }

    /// A raw safetensors file of the given tensors in one dtype.
    static func safetensors(_ tensors: [(String, [Int], [Float])], _ encoding: Encoding) -> Data {
        let dtype = ["F32", "F16", "BF16"][[Encoding.f32, .f16, .bf16].firstIndex(of: encoding)!]
        var header: [String] = [], data: [UInt8] = []
        for (name, shape, v) in tensors {
            let b = bytes(v, encoding)
            header.append("\"\(name)\": {\"dtype\": \"\(dtype)\", \"shape\": \(shape), \"data_offsets\": [\(data.count), \(data.count + b.count)]}")
            data += b
        }
        let json = Array(("{" + header.joined(separator: ", ") + "}").utf8)
        return Data(withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) } + json + data)
    }

    static func checkpoint(_ encoding: Encoding, sharded: Bool) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("1_Pooling"), withIntermediateDirectories: true)
        try Data("""
            {"model_type": "bert", "architectures": ["BertModel"], "vocab_size": \(vocab), "hidden_size": \(hidden),
             "num_hidden_layers": \(layers), "num_attention_heads": 2, "intermediate_size": \(intermediate),
             "max_position_embeddings": \(positions), "type_vocab_size": 2, "hidden_act": "gelu", "layer_norm_eps": 1e-12}
            """.utf8).write(to: dir.appendingPathComponent("config.json"))
        try Data(#"{"pooling_mode_mean_tokens": true}"#.utf8).write(to: dir.appendingPathComponent("1_Pooling/config.json"))
        try Data(#"[{"type": "sentence_transformers.models.Transformer"}, {"type": "sentence_transformers.models.Pooling"}, {"type": "sentence_transformers.models.Normalize"}]"#.utf8)
            .write(to: dir.appendingPathComponent("modules.json"))
        try Data(#"{"max_seq_length": 32}"#.utf8).write(to: dir.appendingPathComponent("sentence_bert_config.json"))
        let tokenizer = ModelFixtures.packageRoot.appendingPathComponent("Tests/TokenizersTests/Fixtures/minilm")
        for name in ["tokenizer.json", "vocab.txt", "tokenizer_config.json"] {
            try FileManager.default.copyItem(at: tokenizer.appendingPathComponent(name), to: dir.appendingPathComponent(name))
        }
        let floats = shapes.enumerated().map { i, s in (s.0, s.1, values(s.1.reduce(1, *), seed: UInt64(i))) }
        if sharded {
            let half = floats.count / 2
            try safetensors(Array(floats[..<half]), encoding).write(to: dir.appendingPathComponent("model-00001-of-00002.safetensors"))
            try safetensors(Array(floats[half...]), encoding).write(to: dir.appendingPathComponent("model-00002-of-00002.safetensors"))
            let map = floats.enumerated().map { i, t in "\"\(t.0)\": \"model-0000\(i < half ? 1 : 2)-of-00002.safetensors\"" }
            try Data(("{\"weight_map\": {" + map.joined(separator: ", ") + "}}").utf8).write(to: dir.appendingPathComponent("model.safetensors.index.json"))
        } else {
            try safetensors(floats, encoding).write(to: dir.appendingPathComponent("model.safetensors"))
        }
        return dir
    }

    static func convert(_ input: URL) throws -> (CheckpointConverter.Summary, SentenceEmbedder) {
        let output = input.appendingPathComponent("bundle")
        let summary = try CheckpointConverter(input: input, output: output).convert(name: "tiny")
        return (summary, try SentenceEmbedder(bundle: ModelBundle(directory: output)))
    }

    @Test func float32FP16ShardedAndBF16GiveTheSameModel() throws {
        let (f32, a) = try Self.convert(Self.checkpoint(.f32, sharded: false))
        let (f16, b) = try Self.convert(Self.checkpoint(.f16, sharded: true))
        let (bf16, c) = try Self.convert(Self.checkpoint(.bf16, sharded: false))
        #expect(f32.config.conversion.dtypeConversions.isEmpty)
        #expect(f16.config.conversion.dtypeConversions == ["F16→F32": Self.shapes.count])
        #expect(bf16.config.conversion.dtypeConversions == ["BF16→F32": Self.shapes.count])
        #expect(f32.config.files["model.safetensors"] == f16.config.files["model.safetensors"])
        #expect(f32.config.files["model.safetensors"] == bf16.config.files["model.safetensors"])
        #expect(f32.config.fingerprint == f16.config.fingerprint)
        // The WordPiece tokenizer's cache is part of the bundle (checksummed), the same every
        // time, and left out of the fingerprint: it changes load time, not results.
        #expect(f32.config.formatVersion == 2)
        let cache = try #require(f32.config.files["tokenizer.json.cache"])
        #expect(cache == f16.config.files["tokenizer.json.cache"])
        var withoutCache = f32.config
        withoutCache.files["tokenizer.json.cache"] = nil
        #expect(try withoutCache.computedFingerprint() == f32.config.fingerprint)
        #expect(f32.config.maxLength == 32 && f32.config.pooling == Pooling(mode: .mean, normalize: true))
        let text = "Renew passport before the Zürich trip"
        #expect(try a.embed(text) == b.embed(text))
        #expect(try a.embed(text) == c.embed(text))
        // max length 32 → windows of 30 content tokens.
        #expect(try a.embed(String(repeating: "budget ", count: 40)).windows == 2)
    }

    @Test func bundleVerifiesAndDetectsTampering() throws {
        let input = try Self.checkpoint(.f32, sharded: false)
        let (_, embedder) = try Self.convert(input)
        #expect(try embedder.bundle.verify() == nil)
        let weights = input.appendingPathComponent("bundle/model.safetensors")
        var data = try Data(contentsOf: weights)
        let bundle = input.appendingPathComponent("bundle")
        #expect(try ModelBundle(directory: bundle).isSealed, "conversion seals what it verified")
        data[data.count - 1] ^= 0xFF
        try data.write(to: weights)
        #expect(try ModelBundle(directory: bundle).verify() == "model.safetensors does not match its checksum")
        // Loading for use notices the change (a few stat calls) and refuses the damaged weights.
        #expect(try !ModelBundle(directory: bundle).isSealed)
        #expect(throws: BundleError.corrupt(path: bundle.path, problem: "model.safetensors does not match its checksum")) {
            try ModelBundle.verified(directory: bundle)
        }
        // Repaired, it is hashed again once and sealed anew.
        data[data.count - 1] ^= 0xFF
        try data.write(to: weights)
        _ = try ModelBundle.verified(directory: bundle)
        #expect(try ModelBundle(directory: bundle).isSealed)
    }

    @Test func refusesWhatItCannotConvert() throws {
        let input = try Self.checkpoint(.f32, sharded: false)
        let config = input.appendingPathComponent("config.json")
        try Data(#"{"model_type": "gpt2"}"#.utf8).write(to: config)
        #expect(throws: ConversionError.unsupported(path: config.path, detail: "model_type 'gpt2'; supported: bert, roberta, bart, mpnet")) {
            try CheckpointConverter(input: input, output: input.appendingPathComponent("out")).convert()
        }
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        #expect(throws: ConversionError.missingFile(path: empty.appendingPathComponent("config.json").path)) {
            try CheckpointConverter(input: empty, output: empty.appendingPathComponent("out")).convert()
        }
    }

    @Test func missingTensorIsNamedOnLoad() throws {
        let input = try Self.checkpoint(.f32, sharded: false)
        let tensors = Self.shapes.filter { $0.0 != "encoder.layer.1.output.dense.bias" }.enumerated().map { i, s in (s.0, s.1, Self.values(s.1.reduce(1, *), seed: UInt64(i))) }
        try Self.safetensors(tensors, .f32).write(to: input.appendingPathComponent("model.safetensors"))
        do {
            _ = try Self.convert(input)
            Issue.record("a checkpoint with a missing tensor converted")
        } catch let SafetensorsError.missingTensor(_, tensor) {
            #expect(tensor == "encoder.layer.1.output.dense.bias")
        }
        // Nothing that looks like a bundle is left behind.
        #expect(!FileManager.default.fileExists(atPath: input.appendingPathComponent("bundle").path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: input.path).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty)
    }

    @Test func halfToFloatEdgeCases() {
        #expect(DTypeConversion.halfToFloat(0x3C00) == 1)
        #expect(DTypeConversion.halfToFloat(0xC000) == -2)
        #expect(DTypeConversion.halfToFloat(0x0001) == Float(sign: .plus, exponent: -24, significand: 1))  // smallest subnormal
        #expect(DTypeConversion.halfToFloat(0x7C00) == .infinity)
        #expect(DTypeConversion.halfToFloat(0x7E00).isNaN)
        #expect(DTypeConversion.halfToFloat(0x8000).sign == .minus)
    }
}
