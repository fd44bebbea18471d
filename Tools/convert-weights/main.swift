import ArgumentParser
import Foundation
import Inference

/// Turns a Hugging Face checkpoint directory into a Smart TODO bundle.
@main
struct ConvertWeights: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert-weights",
        abstract: "Convert a Hugging Face checkpoint directory into a Smart TODO model bundle.",
        discussion: """
        IN_DIR holds config.json; model.safetensors, sharded safetensors with \
        model.safetensors.index.json, or pytorch_model.bin (float32, float16 or \
        bfloat16; read without executing its pickle); the tokenizer \
        files; and, for sentence-transformers models, 1_Pooling/config.json, \
        modules.json and sentence_bert_config.json.

        Supported: BERT and MPNet sentence-embedding models (e.g. all-MiniLM-L6-v2, \
        all-mpnet-base-v2) and NLI cross-encoders (Bert-, Roberta- and \
        BartForSequenceClassification); class names come from id2label.

        OUT_DIR receives one float32 model.safetensors with Hugging Face tensor names, \
        our own config.json (architecture, dimensions, pooling, max length, sha256 of \
        every file and a fingerprint) and the tokenizer files. The result is loaded \
        back strictly before the command succeeds.

        Example:
          convert-weights ~/checkpoints/all-MiniLM-L6-v2 Weights/all-MiniLM-L6-v2
        """
    )

    @Argument(help: "Hugging Face checkpoint directory.")
    var inputDirectory: String

    @Argument(help: "Bundle directory to write (created if missing).")
    var outputDirectory: String

    @Option(help: "Bundle name (default: the input directory's name).")
    var name: String?

    func run() throws {
        let summary = try CheckpointConverter(input: URL(fileURLWithPath: inputDirectory), output: URL(fileURLWithPath: outputDirectory))
            .convert(name: name)
        let c = summary.config
        print("converted \(c.name): \(c.architecture), task \(c.task), \(summary.tensorCount) tensors, \(c.conversion.parameters) parameters")
        print("  dtype conversions: \(c.conversion.dtypeConversions.isEmpty ? "none (float32)" : c.conversion.dtypeConversions.map { "\($0.value) \($0.key)" }.joined(separator: ", "))")
        print("  dropped: \(c.conversion.droppedTensors.isEmpty ? "nothing" : c.conversion.droppedTensors.joined(separator: ", "))")
        if let labels = c.labels {
            let entail = labels.firstIndex { $0.lowercased().hasPrefix("entail") }
            print("  labels: \(labels.enumerated().map { "\($0.offset)=\($0.element)" }.joined(separator: ", "))"
                  + (entail.map { " (entailment index \($0), found by name)" } ?? " (no entailment label: not usable for zero-shot)"))
            print("  max length \(c.maxLength) tokens")
        } else {
            print("  max length \(c.maxLength) tokens, pooling \(c.pooling.map { "\($0.mode.rawValue)\($0.normalize ? " + L2 normalize" : "")" } ?? "none")")
        }
        print("  fingerprint \(c.fingerprint.prefix(16))… → \(outputDirectory)")
    }
}
