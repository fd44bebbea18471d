/// BERT encoder mirroring transformers' `modeling_bert.py`: one type per
/// submodule, each loaded from the scope whose names are its safetensors names.
/// RoBERTa's encoder (`modeling_roberta.py`) is the same tree; only its position
/// ids start after the padding index (`BertConfig.positionOffset`).

/// `BertEmbeddings`: word + position + token type, then LayerNorm.
struct BertEmbeddings: Sendable {
    let wordEmbeddings: FloatTensor       // [vocab, hidden]
    let positionEmbeddings: FloatTensor   // [max positions, hidden]
    let tokenTypeEmbeddings: FloatTensor  // [type vocab, hidden]
    let layerNorm: LayerNorm
    let config: BertConfig

    init(_ s: WeightScope, _ c: BertConfig) throws {
        wordEmbeddings = try s("word_embeddings").tensor("weight", shape: [c.vocabSize, c.hiddenSize])
        positionEmbeddings = try s("position_embeddings").tensor("weight", shape: [c.maxPositionEmbeddings, c.hiddenSize])
        tokenTypeEmbeddings = try s("token_type_embeddings").tensor("weight", shape: [c.typeVocabSize, c.hiddenSize])
        layerNorm = try LayerNorm(s("LayerNorm"), size: c.hiddenSize, epsilon: c.layerNormEps)
        config = c
    }

    /// Position ids. BERT: 0, 1, 2, … RoBERTa (`create_position_ids_from_input_ids`): the
    /// padding index plus a running count of non-padding tokens; a padding-id token (a
    /// literal `<pad>` in the text) gets the padding index and later tokens skip it.
    func positionIds(_ batch: PackedBatch) -> [Int] {
        guard config.modelType == "roberta" else { return batch.positions }
        var out = [Int](repeating: config.padTokenId, count: batch.tokenCount)
        for s in batch.sequences {
            var count = 0
            for t in s where batch.ids[t] != config.padTokenId {
                count += 1
                out[t] = config.padTokenId + count
            }
        }
        return out
    }

    func forward(_ batch: PackedBatch) throws -> Matrix {
        let h = config.hiddenSize
        var x = Matrix(rows: batch.tokenCount, columns: h)
        let positions = positionIds(batch)
        for t in 0..<batch.tokenCount {
            let id = batch.ids[t], type = batch.typeIds[t], position = positions[t]
            guard id >= 0 && id < config.vocabSize else { throw EncoderError.tokenOutOfRange(id: id, vocabularySize: config.vocabSize) }
            guard type >= 0 && type < config.typeVocabSize else { throw EncoderError.typeOutOfRange(typeId: type, types: config.typeVocabSize) }
            guard position < config.maxPositionEmbeddings else {
                throw EncoderError.sequenceTooLong(length: batch.positions[t] + 1, maximum: config.maxSequenceLength)
            }
            let w = wordEmbeddings.pointer + id * h, p = positionEmbeddings.pointer + position * h, y = tokenTypeEmbeddings.pointer + type * h
            for i in 0..<h { x.values[t * h + i] = w[i] + p[i] + y[i] }
        }
        layerNorm.forward(&x)
        return x
    }
}

/// `BertAttention`: self-attention (query/key/value) then `output.dense` + residual + LayerNorm.
struct BertAttention: Sendable {
    let query: Linear, key: Linear, value: Linear
    let outputDense: Linear
    let outputLayerNorm: LayerNorm
    let heads: Int

    init(_ s: WeightScope, _ c: BertConfig) throws {
        let h = c.hiddenSize
        query = try Linear(s("self")("query"), in: h, out: h)
        key = try Linear(s("self")("key"), in: h, out: h)
        value = try Linear(s("self")("value"), in: h, out: h)
        outputDense = try Linear(s("output")("dense"), in: h, out: h)
        outputLayerNorm = try LayerNorm(s("output")("LayerNorm"), size: h, epsilon: c.layerNormEps)
        heads = c.numAttentionHeads
    }

    /// `only`: one row per sequence, the only ones computed past the keys and values
    /// (a classifier's last layer: its head reads one token); nil computes every row.
    func forward(_ x: Matrix, sequences: [Range<Int>], only: [Int]? = nil) -> Matrix {
        let queries = only.map { x.rows($0) } ?? x
        let context = MultiHeadAttention.forward(q: query.forward(queries), k: key.forward(x), v: value.forward(x), heads: heads,
                                                 sequences: only.map(MultiHeadAttention.oneQueryEach) ?? sequences,
                                                 keySequences: sequences)
        var out = outputDense.forward(context)
        outputLayerNorm.forward(&out, adding: queries)
        return out
    }
}

/// `BertLayer`: attention, then `intermediate.dense` + activation, `output.dense` + residual + LayerNorm.
struct BertLayer: Sendable {
    let attention: BertAttention
    let intermediate: Linear
    let output: Linear
    let outputLayerNorm: LayerNorm
    let activation: Activation

    init(_ s: WeightScope, _ c: BertConfig) throws {
        attention = try BertAttention(s("attention"), c)
        intermediate = try Linear(s("intermediate")("dense"), in: c.hiddenSize, out: c.intermediateSize)
        output = try Linear(s("output")("dense"), in: c.intermediateSize, out: c.hiddenSize)
        outputLayerNorm = try LayerNorm(s("output")("LayerNorm"), size: c.hiddenSize, epsilon: c.layerNormEps)
        activation = c.hiddenAct
    }

    func forward(_ x: Matrix, sequences: [Range<Int>], only: [Int]? = nil, tap: TensorTap?, name: String) -> Matrix {
        let attended = attention.forward(x, sequences: sequences, only: only)
        tap?("\(name).attention", attended)
        var hidden = intermediate.forward(attended)
        activation.apply(&hidden)
        var out = output.forward(hidden)
        outputLayerNorm.forward(&out, adding: attended)
        tap?("\(name).output", out)
        return out
    }
}

/// `BertModel` without its pooler: embeddings, then the encoder layers.
/// Returns the last hidden state `[tokens, hidden]` of a packed batch.
public struct BertModel: Sendable {
    public let config: BertConfig
    let embeddings: BertEmbeddings
    let layers: [BertLayer]

    /// Tensors a BERT checkpoint may carry that an encoder-only forward does not use.
    public static let ignorableTensors = ["embeddings.position_ids", "pooler."]

    /// - Parameter scope: where `embeddings` and `encoder` live (the root, or `bert` in task checkpoints).
    public init(_ scope: WeightScope, config: BertConfig) throws {
        self.config = config
        embeddings = try BertEmbeddings(scope("embeddings"), config)
        layers = try (0..<config.numHiddenLayers).map { try BertLayer(scope("encoder")("layer")($0), config) }
    }

    /// `only`: rows of the last hidden state wanted, one per sequence (a classifier's `[CLS]`);
    /// the last layer then computes just those, and the result has one row per entry.
    /// Every other row of the last layer feeds nothing but itself, so the values are unchanged.
    public func forward(_ batch: PackedBatch, only: [Int]? = nil, tap: TensorTap? = nil) throws -> Matrix {
        precondition(only == nil || only!.count == batch.sequences.count, "one row per sequence")
        var x = try embeddings.forward(batch)
        tap?("embeddings", x)
        for (i, layer) in layers.enumerated() {
            x = layer.forward(x, sequences: batch.sequences, only: i == layers.count - 1 ? only : nil, tap: tap, name: "layer.\(i)")
        }
        if layers.isEmpty, let only { return x.rows(only) }
        return x
    }
}

public enum EncoderError: Error, Equatable, CustomStringConvertible {
    case tokenOutOfRange(id: Int, vocabularySize: Int)
    case typeOutOfRange(typeId: Int, types: Int)
    case sequenceTooLong(length: Int, maximum: Int)

    public var description: String {
        switch self {
        case .tokenOutOfRange(let id, let n): return "token id \(id) is outside the model's vocabulary of \(n)"
        case .typeOutOfRange(let t, let n): return "token type \(t) is outside the model's \(n) types"
        case .sequenceTooLong(let length, let maximum): return "a sequence of \(length) tokens exceeds the model's \(maximum) positions"
        }
    }
}
