/// The fields of a Hugging Face BART `config.json` (bart-large-mnli and kin),
/// with transformers' defaults where a file may omit them.
public struct BartConfig: Decodable, Sendable, Equatable {
    public var vocabSize: Int
    public var dModel: Int
    public var encoderLayers: Int
    public var decoderLayers: Int
    public var encoderAttentionHeads: Int
    public var decoderAttentionHeads: Int
    public var encoderFFNDim: Int
    public var decoderFFNDim: Int
    public var activation: Activation
    public var maxPositionEmbeddings: Int
    public var scaleEmbedding: Bool
    public var padTokenId: Int
    public var eosTokenId: Int
    public var decoderStartTokenId: Int

    /// BART's learned positions start at 2 (`BartLearnedPositionalEmbedding.offset`).
    public static let positionOffset = 2
    /// nn.LayerNorm's default, which BART uses throughout.
    public static let layerNormEpsilon: Float = 1e-5

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", dModel = "d_model", encoderLayers = "encoder_layers", decoderLayers = "decoder_layers"
        case encoderAttentionHeads = "encoder_attention_heads", decoderAttentionHeads = "decoder_attention_heads"
        case encoderFFNDim = "encoder_ffn_dim", decoderFFNDim = "decoder_ffn_dim", activation = "activation_function"
        case maxPositionEmbeddings = "max_position_embeddings", scaleEmbedding = "scale_embedding"
        case padTokenId = "pad_token_id", eosTokenId = "eos_token_id", decoderStartTokenId = "decoder_start_token_id"
        case normalizeBefore = "normalize_before", addFinalLayerNorm = "add_final_layer_norm"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        dModel = try c.decode(Int.self, forKey: .dModel)
        encoderLayers = try c.decode(Int.self, forKey: .encoderLayers)
        decoderLayers = try c.decode(Int.self, forKey: .decoderLayers)
        encoderAttentionHeads = try c.decode(Int.self, forKey: .encoderAttentionHeads)
        decoderAttentionHeads = try c.decode(Int.self, forKey: .decoderAttentionHeads)
        encoderFFNDim = try c.decode(Int.self, forKey: .encoderFFNDim)
        decoderFFNDim = try c.decode(Int.self, forKey: .decoderFFNDim)
        activation = try c.decodeIfPresent(Activation.self, forKey: .activation) ?? .gelu
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 1024
        scaleEmbedding = try c.decodeIfPresent(Bool.self, forKey: .scaleEmbedding) ?? false
        padTokenId = try c.decodeIfPresent(Int.self, forKey: .padTokenId) ?? 1
        eosTokenId = try c.decodeIfPresent(Int.self, forKey: .eosTokenId) ?? 2
        decoderStartTokenId = try c.decodeIfPresent(Int.self, forKey: .decoderStartTokenId) ?? 2
        // mBART-style pre-LayerNorm is a different architecture: refuse rather than compute it wrongly.
        if try c.decodeIfPresent(Bool.self, forKey: .normalizeBefore) == true || c.decodeIfPresent(Bool.self, forKey: .addFinalLayerNorm) == true {
            throw DecodingError.dataCorruptedError(forKey: .normalizeBefore, in: c, debugDescription: "pre-LayerNorm (mBART-style) BART is not supported")
        }
        guard dModel % encoderAttentionHeads == 0, dModel % decoderAttentionHeads == 0 else {
            throw DecodingError.dataCorruptedError(forKey: .dModel, in: c, debugDescription: "d_model \(dModel) is not a multiple of the attention heads")
        }
    }
}
