import Foundation
import JSONReader
import Inference
import Tokenizers
import SeededRandom

/// Random-weight NLI bundles of real models' shapes, for timing only: speed does
/// not depend on weight values. They use the RoBERTa-style test tokenizer (ids
/// fit any vocabulary of at least its size) and are written directly as bundles.
enum SyntheticNLIBundle {
    enum Shape: String {
        /// cross-encoder/nli-distilroberta-base: 6 layers, 768 wide, 12 heads, FFN 3072.
        case distilRoBERTa = "distilroberta"
        /// facebook/bart-large-mnli: 12 + 12 layers, 1024 wide, 16 heads, FFN 4096.
        case bartLargeMNLI = "bart-large-mnli"
    }

    static let labels = ["contradiction", "neutral", "entailment"]

    static func config(_ shape: Shape) -> JSONValue {
        let id2label = JSONValue.object(Dictionary(uniqueKeysWithValues: labels.enumerated().map { (String($0.offset), JSONValue.string($0.element)) }))
        switch shape {
        case .distilRoBERTa:
            return .object([
                "model_type": .string("roberta"), "architectures": .array([.string("RobertaForSequenceClassification")]),
                "vocab_size": .int(50265), "hidden_size": .int(768), "num_hidden_layers": .int(6), "num_attention_heads": .int(12),
                "intermediate_size": .int(3072), "max_position_embeddings": .int(514), "type_vocab_size": .int(1), "pad_token_id": .int(1),
                "hidden_act": .string("gelu"), "layer_norm_eps": .double(1e-5), "id2label": id2label,
            ])
        case .bartLargeMNLI:
            return .object([
                "model_type": .string("bart"), "architectures": .array([.string("BartForSequenceClassification")]),
                "vocab_size": .int(50265), "d_model": .int(1024), "encoder_layers": .int(12), "decoder_layers": .int(12),
                "encoder_attention_heads": .int(16), "decoder_attention_heads": .int(16), "encoder_ffn_dim": .int(4096),
                "decoder_ffn_dim": .int(4096), "max_position_embeddings": .int(1024), "activation_function": .string("gelu"),
                "scale_embedding": .bool(false), "pad_token_id": .int(1), "eos_token_id": .int(2), "decoder_start_token_id": .int(2),
                "id2label": id2label,
            ])
        }
    }

    static func tensors(_ shape: Shape) -> [(String, [Int])] {
        var out: [(String, [Int])] = []
        func linear(_ name: String, _ inputs: Int, _ outputs: Int) { out += [(name + ".weight", [outputs, inputs]), (name + ".bias", [outputs])] }
        func norm(_ name: String, _ width: Int) { out += [(name + ".weight", [width]), (name + ".bias", [width])] }
        switch shape {
        case .distilRoBERTa:
            let h = 768, f = 3072
            out += [("roberta.embeddings.word_embeddings.weight", [50265, h]), ("roberta.embeddings.position_embeddings.weight", [514, h]),
                    ("roberta.embeddings.token_type_embeddings.weight", [1, h])]
            norm("roberta.embeddings.LayerNorm", h)
            for l in 0..<6 {
                let p = "roberta.encoder.layer.\(l)."
                for name in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"] { linear(p + name, h, h) }
                norm(p + "attention.output.LayerNorm", h)
                linear(p + "intermediate.dense", h, f)
                linear(p + "output.dense", f, h)
                norm(p + "output.LayerNorm", h)
            }
            linear("classifier.dense", h, h)
            linear("classifier.out_proj", h, labels.count)
        case .bartLargeMNLI:
            let d = 1024, f = 4096
            out += [("model.shared.weight", [50265, d]), ("model.encoder.embed_positions.weight", [1026, d]),
                    ("model.decoder.embed_positions.weight", [1026, d])]
            norm("model.encoder.layernorm_embedding", d)
            norm("model.decoder.layernorm_embedding", d)
            for side in ["encoder", "decoder"] {
                for l in 0..<12 {
                    let p = "model.\(side).layers.\(l)."
                    for a in side == "encoder" ? ["self_attn"] : ["self_attn", "encoder_attn"] {
                        for proj in ["q_proj", "k_proj", "v_proj", "out_proj"] { linear(p + a + "." + proj, d, d) }
                        norm(p + a + "_layer_norm", d)
                    }
                    linear(p + "fc1", d, f)
                    linear(p + "fc2", f, d)
                    norm(p + "final_layer_norm", d)
                }
            }
            linear("classification_head.dense", d, d)
            linear("classification_head.out_proj", d, labels.count)
        }
        return out
    }

    /// Writes a bundle of `shape` with random weights into `directory`.
    static func make(_ shape: Shape, in directory: URL, tokenizer: URL) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: tokenizer, to: directory.appendingPathComponent("tokenizer.json"))
        var rng = SeededGenerator(seed: 7)
        let shapes = tensors(shape)
        let buffers = shapes.map { name, dims -> UnsafeMutableBufferPointer<Float> in
            let count = dims.reduce(1, *)
            let b = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
            if name.contains("norm") || name.contains("LayerNorm") {
                b.initialize(repeating: name.hasSuffix(".weight") ? 1 : 0)
            } else {
                for i in 0..<count { b[i] = Float(Int(rng.next() % 2001) - 1000) / 25_000 }
            }
            return b
        }
        defer { buffers.forEach { $0.deallocate() } }
        try SafetensorsWriter.write(zip(shapes, buffers).map { ($0.0.0, $0.0.1, UnsafeBufferPointer($0.1)) },
                                    to: directory.appendingPathComponent(ModelBundle.weightsFile))
        let modelConfig = config(shape)
        let positions = modelConfig.object?["max_position_embeddings"]?.int ?? 512
        var bundle = BundleConfig(
            name: "synthetic-\(shape.rawValue)", architecture: modelConfig.object?["model_type"]?.string ?? "?", task: "sequence-classification",
            model: modelConfig, pooling: nil, labels: labels, maxLength: shape == .distilRoBERTa ? positions - 2 : positions,
            tokenizerFile: "tokenizer.json", files: [:], fingerprint: "", source: nil,
            conversion: .init(parameters: shapes.reduce(0) { $0 + $1.1.reduce(1, *) }, dtypeConversions: [:], droppedTensors: []))
        bundle.fingerprint = "synthetic-\(shape.rawValue)-random-weights"  // timing only: not hashed, never installed
        try JSONEncoder().encode(bundle).write(to: directory.appendingPathComponent(BundleConfig.fileName))
        return directory
    }
}
