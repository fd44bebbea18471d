import Foundation

/// The fields of a Hugging Face BERT or RoBERTa `config.json` the encoder needs,
/// with transformers' defaults where a file may omit them.
public struct BertConfig: Decodable, Sendable, Equatable {
    /// `bert` or `roberta`: the same encoder, RoBERTa numbering positions after the padding index.
    public var modelType: String
    public var padTokenId: Int
    public var vocabSize: Int
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    public var hiddenAct: Activation
    public var maxPositionEmbeddings: Int
    public var typeVocabSize: Int
    public var layerNormEps: Float
    public var positionEmbeddingType: String

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type", padTokenId = "pad_token_id"
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", intermediateSize = "intermediate_size", hiddenAct = "hidden_act"
        case maxPositionEmbeddings = "max_position_embeddings", typeVocabSize = "type_vocab_size"
        case layerNormEps = "layer_norm_eps", positionEmbeddingType = "position_embedding_type"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        modelType = try c.decodeIfPresent(String.self, forKey: .modelType) ?? "bert"
        padTokenId = try c.decodeIfPresent(Int.self, forKey: .padTokenId) ?? (modelType == "roberta" ? 1 : 0)
        guard modelType == "bert" || modelType == "roberta" else {
            throw DecodingError.dataCorruptedError(forKey: .modelType, in: c, debugDescription: "model_type '\(modelType)' is not supported (bert, roberta)")
        }
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        numHiddenLayers = try c.decode(Int.self, forKey: .numHiddenLayers)
        numAttentionHeads = try c.decode(Int.self, forKey: .numAttentionHeads)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        hiddenAct = try c.decodeIfPresent(Activation.self, forKey: .hiddenAct) ?? .gelu
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 512
        typeVocabSize = try c.decodeIfPresent(Int.self, forKey: .typeVocabSize) ?? 2
        layerNormEps = try c.decodeIfPresent(Float.self, forKey: .layerNormEps) ?? 1e-12
        positionEmbeddingType = try c.decodeIfPresent(String.self, forKey: .positionEmbeddingType) ?? "absolute"
        guard hiddenSize % numAttentionHeads == 0 else {
            throw DecodingError.dataCorruptedError(forKey: .numAttentionHeads, in: c,
                debugDescription: "hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(numAttentionHeads)")
        }
        guard positionEmbeddingType == "absolute" else {
            throw DecodingError.dataCorruptedError(forKey: .positionEmbeddingType, in: c,
                debugDescription: "position_embedding_type '\(positionEmbeddingType)' is not supported (only 'absolute')")
        }
    }

    public var headSize: Int { hiddenSize / numAttentionHeads }

    /// First position id: RoBERTa's `create_position_ids_from_input_ids` starts after the padding index.
    public var positionOffset: Int { modelType == "roberta" ? padTokenId + 1 : 0 }

    /// Longest sequence the position table allows.
    public var maxSequenceLength: Int { maxPositionEmbeddings - positionOffset }
}
