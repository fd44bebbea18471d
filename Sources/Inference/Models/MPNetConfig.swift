import Foundation

/// The fields of a Hugging Face MPNet `config.json` the encoder needs, with the
/// defaults of transformers' `MPNetConfig` where a file may omit them.
public struct MPNetConfig: Decodable, Sendable, Equatable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    public var hiddenAct: Activation
    public var maxPositionEmbeddings: Int
    public var layerNormEps: Float
    /// Rows of `encoder.relative_attention_bias`. transformers' `MPNetEncoder` buckets relative
    /// positions into 32 whatever this says (`compute_position_bias(num_buckets=32)`), so any
    /// other value is refused rather than run differently from the reference.
    public var relativeAttentionNumBuckets: Int

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type"
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", intermediateSize = "intermediate_size", hiddenAct = "hidden_act"
        case maxPositionEmbeddings = "max_position_embeddings", layerNormEps = "layer_norm_eps"
        case relativeAttentionNumBuckets = "relative_attention_num_buckets"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let modelType = try c.decodeIfPresent(String.self, forKey: .modelType) ?? "mpnet"
        guard modelType == "mpnet" else {
            throw DecodingError.dataCorruptedError(forKey: .modelType, in: c, debugDescription: "model_type '\(modelType)' is not mpnet")
        }
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        numHiddenLayers = try c.decode(Int.self, forKey: .numHiddenLayers)
        numAttentionHeads = try c.decode(Int.self, forKey: .numAttentionHeads)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        hiddenAct = try c.decodeIfPresent(Activation.self, forKey: .hiddenAct) ?? .gelu
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 512
        layerNormEps = try c.decodeIfPresent(Float.self, forKey: .layerNormEps) ?? 1e-12
        relativeAttentionNumBuckets = try c.decodeIfPresent(Int.self, forKey: .relativeAttentionNumBuckets) ?? MPNetEncoder.buckets
        guard hiddenSize % numAttentionHeads == 0 else {
            throw DecodingError.dataCorruptedError(forKey: .numAttentionHeads, in: c,
                debugDescription: "hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(numAttentionHeads)")
        }
        guard relativeAttentionNumBuckets == MPNetEncoder.buckets else {
            throw DecodingError.dataCorruptedError(forKey: .relativeAttentionNumBuckets, in: c,
                debugDescription: "relative_attention_num_buckets \(relativeAttentionNumBuckets) is not supported: transformers' MPNetEncoder always uses \(MPNetEncoder.buckets) buckets")
        }
    }

    /// Longest sequence the position table allows: positions start after the padding index.
    public var maxSequenceLength: Int { maxPositionEmbeddings - MPNetEmbeddings.paddingIndex - 1 }
}
