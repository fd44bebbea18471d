import Foundation
import Inference
import Tokenizers

/// A random-weight NLI bundle of a real model's shape, for timing only: speed
/// does not depend on weight values. Uses the RoBERTa-style test tokenizer.
enum SyntheticNLIBundle {
    /// cross-encoder/nli-distilroberta-base: 6 layers, 768 wide, 12 heads, FFN 3072.
    static let distilRoBERTa: [String: JSONValue] = [
        "model_type": .string("roberta"), "architectures": .array([.string("RobertaForSequenceClassification")]),
        "vocab_size": .int(50265), "hidden_size": .int(768), "num_hidden_layers": .int(6), "num_attention_heads": .int(12),
        "intermediate_size": .int(3072), "max_position_embeddings": .int(514), "type_vocab_size": .int(1), "pad_token_id": .int(1),
        "hidden_act": .string("gelu"), "layer_norm_eps": .double(1e-5),
        "id2label": .object(["0": .string("contradiction"), "1": .string("entailment"), "2": .string("neutral")]),
    ]

    /// Writes the checkpoint into `directory` and converts it; returns the bundle directory.
    static func make(in directory: URL, tokenizer: URL) throws -> URL {
        let checkpoint = directory.appendingPathComponent("checkpoint")
        try FileManager.default.createDirectory(at: checkpoint, withIntermediateDirectories: true)
        let config = distilRoBERTa
        try JSONEncoder().encode(JSONValue.object(config)).write(to: checkpoint.appendingPathComponent("config.json"))
        try FileManager.default.copyItem(at: tokenizer, to: checkpoint.appendingPathComponent("tokenizer.json"))
        let h = 768, f = 3072
        var shapes: [(String, [Int])] = [
            ("roberta.embeddings.word_embeddings.weight", [50265, h]), ("roberta.embeddings.position_embeddings.weight", [514, h]),
            ("roberta.embeddings.token_type_embeddings.weight", [1, h]), ("roberta.embeddings.LayerNorm.weight", [h]),
            ("roberta.embeddings.LayerNorm.bias", [h]), ("classifier.dense.weight", [h, h]), ("classifier.dense.bias", [h]),
            ("classifier.out_proj.weight", [3, h]), ("classifier.out_proj.bias", [3]),
        ]
        for l in 0..<6 {
            let p = "roberta.encoder.layer.\(l)."
            for name in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"] {
                shapes += [(p + name + ".weight", [h, h]), (p + name + ".bias", [h])]
            }
            shapes += [(p + "attention.output.LayerNorm.weight", [h]), (p + "attention.output.LayerNorm.bias", [h]),
                       (p + "intermediate.dense.weight", [f, h]), (p + "intermediate.dense.bias", [f]),
                       (p + "output.dense.weight", [h, f]), (p + "output.dense.bias", [h]),
                       (p + "output.LayerNorm.weight", [h]), (p + "output.LayerNorm.bias", [h])]
        }
        var rng = SeededGenerator(seed: 7)
        let buffers = shapes.map { name, shape -> UnsafeMutableBufferPointer<Float> in
            let count = shape.reduce(1, *)
            let b = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
            let isNorm = name.contains("LayerNorm")
            for i in 0..<count { b[i] = isNorm ? 1 : Float(Int(rng.next() % 2001) - 1000) / 25_000 }
            return b
        }
        defer { buffers.forEach { $0.deallocate() } }
        try SafetensorsWriter.write(zip(shapes, buffers).map { ($0.0.0, $0.0.1, UnsafeBufferPointer($0.1)) },
                                    to: checkpoint.appendingPathComponent("model.safetensors"))
        let bundle = directory.appendingPathComponent("bundle")
        _ = try CheckpointConverter(input: checkpoint, output: bundle).convert(name: "synthetic-distilroberta-nli")
        return bundle
    }
}
