import ArgumentParser
import Foundation
import Inference
import TaskService

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Zero-shot classification of a text into labels of your choice, with an NLI model.",
        discussion: """
        Each label fills the hypothesis template ("This example is {}." by default) and an \
        NLI cross-encoder scores whether the text entails it. Single-label scores sum to 1; \
        with --multi-label each label is scored on its own. Long texts are never cut: they \
        are read in overlapping windows, and the output says how many.

        Needs an NLI bundle (BERT or RoBERTa *ForSequenceClassification with entailment and \
        contradiction labels), converted from a Hugging Face checkpoint:
          convert-weights ~/checkpoints/nli-distilroberta-base Weights/nli-distilroberta-base

        Examples:
          todo classify "Renew passport before the trip" --labels work,personal,travel
          todo classify "Pay rent and call the plumber" --labels finance,home --multi-label --json
          todo classify --batch inputs.jsonl --json
            (each input line {"text": …, "labels": […], "template": …, "multi_label": …}, the last two optional;
             each output line {"labels": […], "scores": […], "windows": n}, labels sorted by score)
        """
    )

    @Argument(help: "The text to classify (omit with --batch).")
    var text: String?

    @Option(help: "Candidate labels, comma-separated.")
    var labels: String?

    @Flag(help: "Score every label on its own (entailment vs contradiction) instead of one softmax over labels.")
    var multiLabel = false

    @Option(help: "Hypothesis template with {} for the label.")
    var template: String = ZeroShotClassifier.defaultTemplate

    @Option(help: "NLI bundle directory (default: the first classification bundle in Weights/).")
    var model: String?

    @Option(help: ArgumentHelp("JSON Lines file of inputs; - reads standard input.", valueName: "file.jsonl"))
    var batch: String?

    @Flag(help: "Print one JSON object per input.")
    var json = false

    @OptionGroup var engine: EngineOptions

    func validate() throws {
        if batch == nil {
            guard text != nil else { throw ValidationError("Give a TEXT to classify, or --batch FILE.jsonl.") }
            guard let labels, !labels.isEmpty else { throw ValidationError("Give candidate labels with --labels a,b,c.") }
        } else if text != nil || labels != nil {
            throw ValidationError("--batch reads texts and labels from the file; do not also pass TEXT or --labels.")
        }
    }

    struct Input: Decodable {
        var text: String
        var labels: [String]
        var template: String?
        var multiLabel: Bool?

        enum CodingKeys: String, CodingKey {
            case text, labels, template
            case multiLabel = "multi_label"
        }
    }

    struct Output: Encodable {
        var labels: [String]
        var scores: [Float]
        var windows: Int
    }

    func run() throws {
        _ = try engine.applyThreads()
        let classifier = try openClassifier()
        let inputs: [Input]
        if let batch {
            inputs = try readInputs(batch)
        } else {
            let list = labels!.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            inputs = [Input(text: text!, labels: list, template: template, multiLabel: multiLabel)]
        }
        let windows = EnrichmentSession.longTextProgress("classifying")  // a long premise: windows × labels forward passes
        for (i, input) in inputs.enumerated() {
            let result: ZeroShotClassifier.Result
            do {
                result = try classifier.classify(input.text, labels: input.labels, template: input.template ?? template,
                                                 multiLabel: input.multiLabel ?? multiLabel, progress: windows.report)
            } catch let error as ClassifierError {
                throw CommandFailure(batch == nil ? error.description : "\(batch!): input \(i + 1): \(error.description)")
            }
            if json {
                Console.out(try JSONOutput.line(Output(labels: result.labels, scores: result.scores, windows: result.windows)))
            } else {
                for (label, score) in zip(result.labels, result.scores) {
                    Console.out(String(format: "%6.2f%%  ", Double(score) * 100) + label)
                }
                if result.windows > 1 { Console.out("(read in \(result.windows) overlapping windows)") }
            }
        }
    }

    private func openClassifier() throws -> ZeroShotClassifier {
        let weights = DefaultPaths.weightsDirectory
        // The same discovery enrichment uses: the first classification bundle by name, read from config.json alone.
        guard let directory = model.map({ URL(fileURLWithPath: $0) }) ?? ModelRegistry(weightsDirectory: weights).zeroShotDirectory() else {
            throw CommandFailure("""
                No NLI model installed in \(weights.path).
                Convert a Hugging Face NLI checkpoint (BERT or RoBERTa *ForSequenceClassification, safetensors) with
                  convert-weights CHECKPOINT_DIR \(weights.path)/NAME
                then run this again (or pass --model BUNDLE_DIR).
                """)
        }
        do {
            return try ZeroShotClassifier(bundle: ModelBundle(directory: directory))
        } catch let error as ClassifierError {
            throw CommandFailure("\(directory.path): \(error.description)")
        }
    }

    private func readInputs(_ path: String) throws -> [Input] {
        try JSONLines.read(path, as: Input.self, expected: "{\"text\": …, \"labels\": […], \"template\": …, \"multi_label\": …}").map(\.value)
    }
}
