import Foundation
import Tokenizers

/// Texts → unit vectors with a sentence-transformers bundle: BERT (all-MiniLM-L6-v2) or
/// MPNet (all-mpnet-base-v2).
///
/// Never truncates: a text longer than the model's window (max_length minus the
/// two special tokens: W content tokens) is split by `TokenWindows` (step ⌊W/2⌋);
/// each window is embedded with its special tokens (`[CLS] window [SEP]`, MPNet's
/// `<s> window </s>`), and the text's vector is the mean of the window vectors
/// weighted by their content-token counts, L2-normalised.
public final class SentenceEmbedder: Sendable {
    /// The encoder a bundle's architecture names; each returns the last hidden state `[tokens, hidden]`.
    public enum Encoder: Sendable {
        case bert(BertModel)
        case mpnet(MPNetModel)

        func forward(_ batch: PackedBatch, tap: TensorTap?) throws -> Matrix {
            switch self {
            case .bert(let model): return try model.forward(batch, tap: tap)
            case .mpnet(let model): return try model.forward(batch, tap: tap)
            }
        }
    }

    public let bundle: ModelBundle
    public let model: Encoder
    public let pooling: Pooling
    /// Content tokens per window.
    public let windowWidth: Int
    /// Windows are run in packed batches of at most this many tokens (bounds memory).
    public let maxBatchTokens: Int

    public struct Embedding: Sendable, Equatable {
        /// `[hidden]`, unit length.
        public var vector: [Float]
        /// How many windows the text needed (1 unless it was longer than one window).
        public var windows: Int

        public init(vector: [Float], windows: Int) {
            self.vector = vector
            self.windows = windows
        }
    }

    public init(bundle: ModelBundle, maxBatchTokens: Int = 8192) throws {
        guard bundle.config.task == "sentence-embedding" else {
            throw BundleError.wrongTask(path: bundle.directory.path, expected: "sentence-embedding", actual: bundle.config.task)
        }
        self.bundle = bundle
        let loader = WeightLoader(file: bundle.weights)
        let positions: Int
        switch bundle.config.architecture {
        case "bert", "roberta":  // BertConfig tells them apart (RoBERTa's positions start after the padding index)
            let config = try bundle.modelConfig(BertConfig.self)
            model = .bert(try BertModel(loader.root, config: config))
            try loader.finish(ignoring: BertModel.ignorableTensors)
            positions = config.maxSequenceLength
        case "mpnet":
            let config = try bundle.modelConfig(MPNetConfig.self)
            model = .mpnet(try MPNetModel(loader.root, config: config))
            try loader.finish(ignoring: MPNetModel.ignorableTensors)
            positions = config.maxSequenceLength
        case let other:
            throw BundleError.badConfig(path: bundle.directory.appendingPathComponent(BundleConfig.fileName).path,
                                        detail: "architecture '\(other)' has no sentence-embedding encoder (bert, roberta, mpnet)")
        }
        pooling = bundle.config.pooling ?? Pooling(mode: .mean, normalize: true)
        let maxLength = min(bundle.config.maxLength, positions)
        windowWidth = maxLength - bundle.tokenizer.specialTokenCount(pair: false)
        self.maxBatchTokens = max(maxBatchTokens, maxLength)
    }

    public func embed(_ text: String, tap: TensorTap? = nil) throws -> Embedding {
        try embed([text], tap: tap)[0]
    }

    /// `progress(windows done, windows in all)` after each packed batch: a long text (a pasted
    /// 5 MB log is thousands of windows) takes minutes, and the caller can say how far it is —
    /// or stop it: an error `progress` throws ends the work there and is thrown on.
    public func embed(_ texts: [String], tap: TensorTap? = nil, progress: ((Int, Int) throws -> Void)? = nil) throws -> [Embedding] {
        // Every window of every text, remembering whose it is and its weight.
        var windows: [(text: Int, ids: [Int], typeIds: [Int], weight: Int)] = []
        var windowCounts = [Int](repeating: 0, count: texts.count)
        for (index, text) in texts.enumerated() {
            let content = bundle.tokenizer.encodeContent(text)
            let ranges = try TokenWindows.ranges(count: content.count, width: windowWidth)
            windowCounts[index] = ranges.count
            for range in ranges {
                let e = bundle.tokenizer.postProcess(content.slice(range), nil)
                windows.append((index, e.ids, e.typeIds, range.count))
            }
        }
        // Packed batches; results land per window, independent of the batching.
        var vectors = [[Float]](repeating: [], count: windows.count)
        var start = 0
        while start < windows.count {
            var batch = PackedBatch()
            var end = start
            while end < windows.count && (end == start || batch.tokenCount + windows[end].ids.count <= maxBatchTokens) {
                batch.append(ids: windows[end].ids, typeIds: windows[end].typeIds)
                end += 1
            }
            let hidden = try model.forward(batch, tap: tap)
            for (offset, v) in pooling.pool(hidden, sequences: batch.sequences).enumerated() { vectors[start + offset] = v }
            start = end
            try progress?(end, windows.count)
        }
        // Combine windows per text.
        var out: [Embedding] = []
        out.reserveCapacity(texts.count)
        var w = 0
        for index in texts.indices {
            let n = windowCounts[index]
            if n == 1 {
                out.append(Embedding(vector: vectors[w], windows: 1))
            } else {
                var sum = [Double](repeating: 0, count: vectors[w].count)
                for k in w..<(w + n) {
                    let weight = Double(windows[k].weight)
                    for i in sum.indices { sum[i] += weight * Double(vectors[k][i]) }
                }
                out.append(Embedding(vector: VectorMath.normalized(sum.map { Float($0) }), windows: n))
            }
            w += n
        }
        return out
    }
}
