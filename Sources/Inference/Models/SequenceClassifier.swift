/// BertForSequenceClassification and RobertaForSequenceClassification: the
/// encoder, then a head on the first token (`[CLS]` / `<s>`): dense, tanh, output.
///
/// BERT: `bert.pooler.dense` + tanh, then `classifier`.
/// RoBERTa: `classifier.dense` + tanh, then `classifier.out_proj` (`RobertaClassificationHead`).
public struct SequenceClassifier: Sendable {
    public let config: BertConfig
    public let encoder: BertModel
    let dense: Linear
    let output: Linear
    public let labels: [String]

    /// Checkpoint tensors the forward pass does not use.
    public static let ignorableTensors = ["bert.embeddings.position_ids", "roberta.embeddings.position_ids", "roberta.pooler."]

    public init(loader: WeightLoader, config: BertConfig, labels: [String]) throws {
        let root = loader.root
        let h = config.hiddenSize
        guard let outputs = loader.file.entries[config.modelType == "roberta" ? "classifier.out_proj.weight" : "classifier.weight"]?.shape.first else {
            throw SafetensorsError.missingTensor(path: loader.file.path, tensor: config.modelType == "roberta" ? "classifier.out_proj.weight" : "classifier.weight")
        }
        guard outputs == labels.count else { throw ClassifierError.labelCountMismatch(labels: labels.count, head: outputs) }
        switch config.modelType {
        case "roberta":
            encoder = try BertModel(root("roberta"), config: config)
            dense = try Linear(root("classifier")("dense"), in: h, out: h)
            output = try Linear(root("classifier")("out_proj"), in: h, out: labels.count)
        default:
            encoder = try BertModel(root("bert"), config: config)
            dense = try Linear(root("bert")("pooler")("dense"), in: h, out: h)
            output = try Linear(root("classifier"), in: h, out: labels.count)
        }
        self.config = config
        self.labels = labels
    }

    /// Logits `[sequences][labels]` for a packed batch.
    public func logits(_ batch: PackedBatch, tap: TensorTap? = nil) throws -> [[Float]] {
        let hidden = try encoder.forward(batch, tap: tap)
        let h = config.hiddenSize
        var first = Matrix(rows: batch.sequences.count, columns: h)
        for (i, s) in batch.sequences.enumerated() where !s.isEmpty {
            first.values.replaceSubrange((i * h)..<((i + 1) * h), with: hidden.row(s.lowerBound))
        }
        var pooled = dense.forward(first)
        Activation.tanh.apply(&pooled)
        let out = output.forward(pooled)
        tap?("logits", out)
        return (0..<out.rows).map { Array(out.row($0)) }
    }
}

public enum ClassifierError: Error, Equatable, CustomStringConvertible {
    case labelCountMismatch(labels: Int, head: Int)
    case missingLabels(path: String)
    case noEntailmentLabel(labels: [String])
    case noContradictionLabel(labels: [String])
    case emptyLabels
    case duplicateLabel(String)
    case emptyLabel
    case templateWithoutPlaceholder(String)
    case hypothesisTooLong(maxLength: Int)

    public var description: String {
        switch self {
        case .labelCountMismatch(let labels, let head): return "id2label names \(labels) labels but the classifier head has \(head) outputs"
        case .missingLabels(let path): return "\(path): config.json has no usable id2label (labels 0…n-1 are needed)"
        case .noEntailmentLabel(let labels): return "no label named entailment* among the model's labels \(labels): not an NLI model"
        case .noContradictionLabel(let labels): return "no label named contradiction* among the model's labels \(labels): not an NLI model"
        case .emptyLabels: return "give at least one candidate label"
        case .duplicateLabel(let label): return "the candidate label '\(label)' is given twice"
        case .emptyLabel: return "a candidate label is empty"
        case .templateWithoutPlaceholder(let template): return "the hypothesis template '\(template)' has no {} for the label"
        case .hypothesisTooLong(let maxLength): return "the longest hypothesis leaves no room for the text within the model's \(maxLength) tokens; shorten the labels or the template"
        }
    }
}

extension SequenceClassifier {
    /// The classifier of a `sequence-classification` bundle, loaded strictly.
    public init(bundle: ModelBundle) throws {
        guard bundle.config.task == "sequence-classification" else {
            throw BundleError.wrongTask(path: bundle.directory.path, expected: "sequence-classification", actual: bundle.config.task)
        }
        guard let labels = bundle.config.labels, !labels.isEmpty else { throw ClassifierError.missingLabels(path: bundle.directory.path) }
        let loader = WeightLoader(file: bundle.weights)
        try self.init(loader: loader, config: bundle.modelConfig(BertConfig.self), labels: labels)
        try loader.finish(ignoring: Self.ignorableTensors)
    }
}
