import Foundation
import JSONReader
import Tokenizers

/// Our own `config.json` of a model bundle, written by convert-weights: what the
/// model is, how to run it, and a fingerprint of everything it is made of.
public struct BundleConfig: Codable, Sendable {
    public static let fileName = "config.json"
    public static let formatName = "smart-todo-bundle"

    public var format = BundleConfig.formatName
    /// 2 adds `tokenizer.json.cache` (a WordPiece tokenizer ready to load); 1 lacks it and still loads.
    public static let currentFormatVersion = 2
    public var formatVersion = BundleConfig.currentFormatVersion
    public var name: String
    /// The Hugging Face `model_type`: `bert` or `mpnet` (sentence embeddings), `bert`, `roberta` or `bart` (classification).
    public var architecture: String
    /// `sentence-embedding` or `sequence-classification`.
    public var task: String
    /// The Hugging Face config.json, verbatim: dimensions, activation, labels.
    public var model: JSONValue
    public var pooling: Pooling?
    /// Class names by output index (id2label), for classification bundles.
    public var labels: [String]?
    /// Longest input in tokens, special tokens included (sentence-transformers' max_seq_length when given).
    public var maxLength: Int
    public var tokenizerFile: String
    /// File name → sha256 of every file of the bundle except this one.
    public var files: [String: String]
    /// sha256 over architecture, task, model config, pooling, max length and `files` (derived caches
    /// left out: they change how fast the model loads, not what it computes): names the exact model.
    public var fingerprint: String
    /// Where the weights came from (package, version, origin), as the fetch step recorded it.
    public var source: JSONValue?
    public var conversion: Conversion

    public struct Conversion: Codable, Sendable, Equatable {
        public var parameters: Int
        public var dtypeConversions: [String: Int]
        public var droppedTensors: [String]

        public init(parameters: Int, dtypeConversions: [String: Int], droppedTensors: [String]) {
            self.parameters = parameters
            self.dtypeConversions = dtypeConversions
            self.droppedTensors = droppedTensors
        }
    }

    public init(name: String, architecture: String, task: String, model: JSONValue, pooling: Pooling?, labels: [String]?,
                maxLength: Int, tokenizerFile: String, files: [String: String], fingerprint: String, source: JSONValue?,
                conversion: Conversion) {
        self.name = name
        self.architecture = architecture
        self.task = task
        self.model = model
        self.pooling = pooling
        self.labels = labels
        self.maxLength = maxLength
        self.tokenizerFile = tokenizerFile
        self.files = files
        self.fingerprint = fingerprint
        self.source = source
        self.conversion = conversion
    }

    enum CodingKeys: String, CodingKey {
        case format, formatVersion = "format_version", name, architecture, task, model, pooling, labels
        case maxLength = "max_length", tokenizerFile = "tokenizer_file", files, fingerprint, source, conversion
    }

    /// The fingerprint of this configuration's content.
    public func computedFingerprint() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var h = SHA256()
        h.update("\(architecture)\n\(task)\n\(maxLength)\n")
        h.update(Array(try encoder.encode(model)))
        if let pooling { h.update(Array(try encoder.encode(pooling))) }
        for (name, digest) in files.sorted(by: { $0.key < $1.key }) where !Tokenizer.isCacheFile(name) { h.update("\(name) \(digest)\n") }
        return h.finalize()
    }
}
