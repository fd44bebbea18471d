import Foundation
import JSONReader
import Tokenizers

/// Hugging Face checkpoint directory → Smart TODO bundle (DESIGN.md, Weights):
/// one float32 safetensors file with Hugging Face names and `[out, in]` layout,
/// our config.json, the tokenizer files, and a fingerprint of it all.
public struct CheckpointConverter {
    public let input: URL
    public let output: URL

    public init(input: URL, output: URL) {
        self.input = input
        self.output = output
    }

    /// What the conversion did, for the summary it prints.
    public struct Summary: Sendable {
        public var config: BundleConfig
        public var tensorCount: Int
    }

    static let tokenizerFiles = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt", "vocab.json", "merges.txt"]

    /// Converts into a staging directory beside OUT and renames it into place only
    /// after the result loads strictly: a failed conversion never leaves a bundle behind.
    public func convert(name: String? = nil) throws -> Summary {
        let staging = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).partial-\(getpid())")
        try? FileManager.default.removeItem(at: staging)
        do {
            let summary = try convert(into: staging, name: name ?? input.lastPathComponent)
            try? FileManager.default.removeItem(at: output)
            try FileManager.default.moveItem(at: staging, to: output)
            return summary
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
    }

    private func convert(into output: URL, name: String) throws -> Summary {
        let hfConfigURL = input.appendingPathComponent("config.json")
        guard let hfData = FileManager.default.contents(atPath: hfConfigURL.path) else {
            throw ConversionError.missingFile(path: hfConfigURL.path)
        }
        let hfConfig: JSONValue
        do { hfConfig = try JSONParser.parse(hfData) } catch {
            throw ConversionError.badFile(path: hfConfigURL.path, detail: "not valid JSON")
        }
        let modelType = hfConfig.object?["model_type"]?.string ?? "?"
        guard ["bert", "roberta", "bart", "mpnet"].contains(modelType) else {
            throw ConversionError.unsupported(path: hfConfigURL.path, detail: "model_type '\(modelType)'; supported: bert, roberta, bart, mpnet")
        }
        let architectures = hfConfig.object?["architectures"]?.array?.compactMap(\.string) ?? []
        let classification = architectures.contains { $0.hasSuffix("ForSequenceClassification") }
        if classification ? modelType == "mpnet" : !["bert", "mpnet"].contains(modelType) {
            throw ConversionError.unsupported(path: hfConfigURL.path, detail: "\(architectures.first ?? modelType) (sentence embeddings: bert, mpnet; classification: Bert-, Roberta-, BartForSequenceClassification)")
        }
        let labels = classification ? try Self.labels(hfConfig, path: hfConfigURL.path) : nil

        // Gather tensors from the weight files, converting to float32; integer buffers (position_ids) are dropped.
        var tensors: [(name: String, shape: [Int], values: [Float])] = []
        var conversions: [String: Int] = [:]
        var integerBuffers: [String] = []
        var seen = Set<String>()
        func add(_ name: String, _ dtype: TensorDType, _ shape: [Int], source: String, _ values: () throws -> [Float]) throws {
            guard seen.insert(name).inserted else { throw ConversionError.duplicateTensor(name: name, path: source) }
            if [.i64, .i32, .i16, .i8, .u8, .bool].contains(dtype) { integerBuffers.append(name); return }
            if dtype != .f32 { conversions["\(dtype.rawValue)→F32", default: 0] += 1 }
            tensors.append((name, shape, try values()))
        }
        switch try weightFiles() {
        case .safetensors(let files):
            for file in files {
                let st = try SafetensorsFile(path: file.path)
                for entry in st.entries.values.sorted(by: { $0.name < $1.name }) {
                    try add(entry.name, entry.dtype, entry.shape, source: file.path) {
                        try DTypeConversion.float32(st.bytes(of: entry), dtype: entry.dtype, tensor: entry.name, path: file.path)
                    }
                }
            }
        case .pytorch(let file):
            let checkpoint = try PyTorchCheckpoint(path: file.path)
            for (name, t) in checkpoint.tensors.sorted(by: { $0.key < $1.key }) {
                try add(name, t.storage.dtype, t.shape, source: file.path) { try checkpoint.float32(name) }
            }
        }

        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let weightsURL = output.appendingPathComponent(ModelBundle.weightsFile)
        try withBuffers(tensors) { buffers in
            try SafetensorsWriter.write(buffers, metadata: ["format": "pt", "producer": "smart-todo convert-weights"], to: weightsURL)
        }
        // Tokenizer: must load with our tokenizers before it is copied.
        _ = try Tokenizer.load(from: input.path)
        var files: [String: String] = [ModelBundle.weightsFile: try SHA256.hex(ofFile: weightsURL.path)]
        for name in Self.tokenizerFiles where FileManager.default.fileExists(atPath: input.appendingPathComponent(name).path) {
            let destination = output.appendingPathComponent(name)
            try FileManager.default.copyItem(at: input.appendingPathComponent(name), to: destination)
            files[name] = try SHA256.hex(ofFile: destination.path)
        }
        let tokenizerFile = files["tokenizer.json"] != nil ? "tokenizer.json" : (files["vocab.txt"] != nil ? "vocab.txt" : "vocab.json")
        if tokenizerFile == "tokenizer.json", let cache = try Tokenizer.writeCache(for: output.appendingPathComponent(tokenizerFile)) {
            files[cache.lastPathComponent] = try SHA256.hex(ofFile: cache.path)
        }

        let hasPooling = FileManager.default.fileExists(atPath: input.appendingPathComponent("1_Pooling/config.json").path)
        let pooling = hasPooling ? try Pooling(sentenceTransformersDirectory: input) : nil
        let positions = hfConfig.object?["max_position_embeddings"]?.int ?? 512
        let padding = hfConfig.object?["pad_token_id"]?.int ?? 1
        // Usable positions: RoBERTa and MPNet number them after the padding index (MPNet's is always 1);
        // BART's table already has its 2 extra rows.
        let firstPosition = ["roberta": padding + 1, "mpnet": MPNetEmbeddings.paddingIndex + 1][modelType] ?? 0
        let maxLength = try sentenceTransformersMaxLength() ?? positions - firstPosition
        let source = FileManager.default.contents(atPath: input.appendingPathComponent("source.json").path)
            .flatMap { try? JSONParser.parse($0) }

        var config = BundleConfig(
            name: name, architecture: modelType,
            task: classification ? "sequence-classification" : "sentence-embedding", model: hfConfig,
            pooling: classification ? nil : pooling ?? Pooling(mode: .mean, normalize: true), labels: labels,
            maxLength: maxLength, tokenizerFile: tokenizerFile, files: files, fingerprint: "", source: source,
            conversion: .init(parameters: tensors.reduce(0) { $0 + $1.values.count }, dtypeConversions: conversions,
                              droppedTensors: integerBuffers.sorted()))
        config.fingerprint = try config.computedFingerprint()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(config).write(to: output.appendingPathComponent(BundleConfig.fileName), options: .atomic)

        // The bundle must load strictly: every tensor present with its shape, none unexplained;
        // its files are checked against the checksums just written, and sealed (`BundleSeal`).
        let bundle = try ModelBundle.verified(directory: output)
        if classification { _ = try SequenceClassifier(bundle: bundle) } else { _ = try SentenceEmbedder(bundle: bundle) }
        return Summary(config: config, tensorCount: tensors.count)
    }

    /// Class names ordered by index from `id2label`; every index 0…n-1 must be present.
    static func labels(_ config: JSONValue, path: String) throws -> [String] {
        guard let map = config.object?["id2label"]?.object, !map.isEmpty else { throw ClassifierError.missingLabels(path: path) }
        var labels = [String?](repeating: nil, count: map.count)
        for (key, value) in map {
            guard let index = Int(key), index >= 0, index < map.count, let name = value.string else { throw ClassifierError.missingLabels(path: path) }
            labels[index] = name
        }
        let named = labels.compactMap { $0 }
        guard named.count == map.count else { throw ClassifierError.missingLabels(path: path) }
        return named
    }

    enum WeightSource {
        case safetensors([URL])
        case pytorch(URL)
    }

    /// model.safetensors, the shards named by model.safetensors.index.json, or pytorch_model.bin.
    private func weightFiles() throws -> WeightSource {
        let single = input.appendingPathComponent("model.safetensors")
        if FileManager.default.fileExists(atPath: single.path) { return .safetensors([single]) }
        let index = input.appendingPathComponent("model.safetensors.index.json")
        if let data = FileManager.default.contents(atPath: index.path) {
            guard let map = (try? JSONParser.parse(data))?.object?["weight_map"]?.object else {
                throw ConversionError.badFile(path: index.path, detail: "no weight_map object")
            }
            let shards = Set(map.values.compactMap(\.string)).sorted()
            guard !shards.isEmpty else { throw ConversionError.badFile(path: index.path, detail: "weight_map names no files") }
            return .safetensors(shards.map { input.appendingPathComponent($0) })
        }
        let bin = input.appendingPathComponent("pytorch_model.bin")
        if FileManager.default.fileExists(atPath: bin.path) { return .pytorch(bin) }
        throw ConversionError.missingFile(path: single.path)
    }

    private func sentenceTransformersMaxLength() throws -> Int? {
        let url = input.appendingPathComponent("sentence_bert_config.json")
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        guard let n = (try? JSONParser.parse(data))?.object?["max_seq_length"]?.int, n > 2 else {
            throw ConversionError.badFile(path: url.path, detail: "max_seq_length must be a number above 2")
        }
        return n
    }

    private func withBuffers(_ tensors: [(name: String, shape: [Int], values: [Float])],
                             _ body: ([(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)]) throws -> Void) throws {
        var pointers: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)] = []
        var storage: [UnsafeMutableBufferPointer<Float>] = []
        defer { storage.forEach { $0.deallocate() } }
        for t in tensors {
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(t.values.count, 1))
            _ = buffer.initialize(from: t.values)
            storage.append(buffer)
            pointers.append((t.name, t.shape, UnsafeBufferPointer(rebasing: buffer[0..<t.values.count])))
        }
        try body(pointers)
    }
}

public enum ConversionError: Error, Equatable, LocalizedError {
    case missingFile(path: String)
    case badFile(path: String, detail: String)
    case unsupported(path: String, detail: String)
    case duplicateTensor(name: String, path: String)

    public var errorDescription: String? {
        switch self {
        case .missingFile(let path): return "\(path): missing (a checkpoint needs config.json and model.safetensors or its shards)"
        case .badFile(let path, let detail): return "\(path): \(detail)"
        case .unsupported(let path, let detail): return "\(path): unsupported: \(detail)"
        case .duplicateTensor(let name, let path): return "\(path): tensor '\(name)' appears in more than one weight file"
        }
    }
}
