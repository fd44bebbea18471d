import Foundation

/// BertForSequenceClassification, RobertaForSequenceClassification and
/// BartForSequenceClassification: a backbone, then a head — dense, tanh, output —
/// on one token per sequence.
///
/// BERT: first token (`[CLS]`) through `bert.pooler.dense`, then `classifier`.
/// RoBERTa: first token (`<s>`) through `classifier.dense`, then `classifier.out_proj`.
/// BART: the decoder's state at the last `</s>` through `classification_head.dense`,
/// then `classification_head.out_proj`.
public struct SequenceClassifier: Sendable {
    enum Backbone: Sendable {
        case encoder(BertModel)
        case encoderDecoder(BartModel)
    }

    let backbone: Backbone
    let dense: Linear
    let output: Linear
    public let labels: [String]
    /// Longest sequence the position table allows.
    public let maxSequenceLength: Int

    /// Checkpoint tensors the forward pass does not use.
    public static let ignorableTensors = ["bert.embeddings.position_ids", "roberta.embeddings.position_ids", "roberta.pooler."]
        + BartModel.ignorableTensors

    /// - Parameter architecture: `bert`, `roberta` or `bart` (the bundle's model_type).
    public init(loader: WeightLoader, architecture: String, modelConfig: Data, labels: [String]) throws {
        let root = loader.root
        let headName: (dense: WeightScope, out: WeightScope)
        let width: Int
        switch architecture {
        case "bart":
            let config = try JSONDecoder().decode(BartConfig.self, from: modelConfig)
            backbone = .encoderDecoder(try BartModel(root("model"), config: config))
            headName = (root("classification_head")("dense"), root("classification_head")("out_proj"))
            width = config.dModel
            maxSequenceLength = config.maxPositionEmbeddings
        case "bert", "roberta":
            let config = try JSONDecoder().decode(BertConfig.self, from: modelConfig)
            let roberta = config.modelType == "roberta"
            backbone = .encoder(try BertModel(root(roberta ? "roberta" : "bert"), config: config))
            headName = roberta ? (root("classifier")("dense"), root("classifier")("out_proj")) : (root("bert")("pooler")("dense"), root("classifier"))
            width = config.hiddenSize
            maxSequenceLength = config.maxSequenceLength
        default:
            throw ClassifierError.unsupportedArchitecture(architecture)
        }
        let outName = headName.out.prefix + ".weight"
        guard let outputs = loader.file.entries[outName]?.shape.first else { throw SafetensorsError.missingTensor(path: loader.file.path, tensor: outName) }
        guard outputs == labels.count else { throw ClassifierError.labelCountMismatch(labels: labels.count, head: outputs) }
        dense = try Linear(headName.dense, in: width, out: width)
        output = try Linear(headName.out, in: width, out: labels.count)
        self.labels = labels
    }

    /// Logits `[sequences][labels]` for a packed batch.
    public func logits(_ batch: PackedBatch, tap: TensorTap? = nil) throws -> [[Float]] {
        // The backbone's last layer computes only the token the head reads.
        let picked: Matrix
        switch backbone {
        case .encoder(let model):
            picked = try model.forward(batch, only: batch.sequences.map(\.lowerBound), tap: tap)
        case .encoderDecoder(let model):
            let rows = try batch.sequences.map { s in
                guard let last = s.last(where: { batch.ids[$0] == model.config.eosTokenId }) else { throw ClassifierError.noEndOfSequence }
                return last
            }
            picked = try model.forward(batch, only: rows, tap: tap)
        }
        var pooled = dense.forward(picked)
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
    case unsupportedArchitecture(String)
    case noEndOfSequence

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
        case .unsupportedArchitecture(let a): return "architecture '\(a)' is not supported for sequence classification (bert, roberta, bart)"
        case .noEndOfSequence: return "a BART input has no </s> token to classify on"
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
        try self.init(loader: loader, architecture: bundle.config.architecture, modelConfig: JSONEncoder().encode(bundle.config.model), labels: labels)
        try loader.finish(ignoring: Self.ignorableTensors)
    }
}
