/// BART encoder-decoder mirroring transformers' `modeling_bart.py` (post-LayerNorm,
/// learned positions offset by 2, `layernorm_embedding`, optional `scale_embedding`),
/// over packed sequences: the decoder's sequences are the inputs shifted right,
/// packed exactly like the encoder's, so cross-attention pairs them up directly.

/// `BartAttention`: q/k/v/out projections with biases; q is scaled by head_dim^-0.5.
struct BartAttention: Sendable {
    let q: Linear, k: Linear, v: Linear, out: Linear
    let heads: Int

    init(_ s: WeightScope, width: Int, heads: Int) throws {
        q = try Linear(s("q_proj"), in: width, out: width)
        k = try Linear(s("k_proj"), in: width, out: width)
        v = try Linear(s("v_proj"), in: width, out: width)
        out = try Linear(s("out_proj"), in: width, out: width)
        self.heads = heads
    }

    /// `queries` attend to `source` (the same rows for self-attention, the encoder's output for
    /// cross-attention); see `MultiHeadAttention.forward` for the ranges.
    func forward(_ queries: Matrix, source: Matrix, sequences: [Range<Int>], keySequences: [Range<Int>], causal: Bool) -> Matrix {
        let context = MultiHeadAttention.forward(q: q.forward(queries), k: k.forward(source), v: v.forward(source),
                                                 heads: heads, sequences: sequences, keySequences: keySequences, causal: causal)
        return out.forward(context)
    }
}

/// `BartEncoderLayer` and `BartDecoderLayer` (the latter with `encoder_attn`).
struct BartLayer: Sendable {
    let selfAttention: BartAttention
    let selfAttentionNorm: LayerNorm
    let crossAttention: BartAttention?
    let crossAttentionNorm: LayerNorm?
    let fc1: Linear, fc2: Linear
    let finalNorm: LayerNorm
    let activation: Activation

    init(_ s: WeightScope, width: Int, heads: Int, ffn: Int, activation: Activation, decoder: Bool) throws {
        let eps = BartConfig.layerNormEpsilon
        selfAttention = try BartAttention(s("self_attn"), width: width, heads: heads)
        selfAttentionNorm = try LayerNorm(s("self_attn_layer_norm"), size: width, epsilon: eps)
        crossAttention = decoder ? try BartAttention(s("encoder_attn"), width: width, heads: heads) : nil
        crossAttentionNorm = decoder ? try LayerNorm(s("encoder_attn_layer_norm"), size: width, epsilon: eps) : nil
        fc1 = try Linear(s("fc1"), in: width, out: ffn)
        fc2 = try Linear(s("fc2"), in: ffn, out: width)
        finalNorm = try LayerNorm(s("final_layer_norm"), size: width, epsilon: eps)
        self.activation = activation
    }

    /// `only`: one row per sequence, the only ones computed past the keys and values (the
    /// classifier's last decoder layer); a decoder row then attends to its sequence up to
    /// itself, which is what the causal mask gives it.
    func forward(_ x: Matrix, memory: Matrix?, sequences: [Range<Int>], only: [Int]? = nil) -> Matrix {
        let decoder = crossAttention != nil
        let queries = only.map { x.rows($0) } ?? x
        let querySequences = only.map(MultiHeadAttention.oneQueryEach) ?? sequences
        let selfKeys = only.map { rows in zip(sequences, rows).map { s, r in decoder ? s.lowerBound..<(r + 1) : s } } ?? sequences
        var h = selfAttention.forward(queries, source: x, sequences: querySequences, keySequences: selfKeys, causal: decoder && only == nil)
        selfAttentionNorm.forward(&h, adding: queries)
        if let crossAttention, let crossAttentionNorm, let memory {
            var c = crossAttention.forward(h, source: memory, sequences: querySequences, keySequences: sequences, causal: false)
            crossAttentionNorm.forward(&c, adding: h)
            h = c
        }
        var f = fc1.forward(h)
        activation.apply(&f)
        var out = fc2.forward(f)
        finalNorm.forward(&out, adding: h)
        return out
    }
}

/// `BartModel`: returns the decoder's last hidden state `[tokens, d_model]`.
public struct BartModel: Sendable {
    public let config: BartConfig
    let shared: FloatTensor               // [vocab, d_model], tied token embeddings
    let encoderPositions: FloatTensor     // [max positions + 2, d_model]
    let decoderPositions: FloatTensor
    let encoderEmbeddingNorm: LayerNorm
    let decoderEmbeddingNorm: LayerNorm
    let encoderLayers: [BartLayer]
    let decoderLayers: [BartLayer]

    /// Token embeddings are tied: checkpoints store `model.shared.weight`, and may repeat it
    /// under `model.encoder.embed_tokens` / `model.decoder.embed_tokens`.
    public static let ignorableTensors = ["model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight", "final_logits_bias"]

    public init(_ s: WeightScope, config c: BartConfig) throws {
        config = c
        let d = c.dModel, eps = BartConfig.layerNormEpsilon, positions = c.maxPositionEmbeddings + BartConfig.positionOffset
        shared = try s("shared").tensor("weight", shape: [c.vocabSize, d])
        encoderPositions = try s("encoder")("embed_positions").tensor("weight", shape: [positions, d])
        decoderPositions = try s("decoder")("embed_positions").tensor("weight", shape: [positions, d])
        encoderEmbeddingNorm = try LayerNorm(s("encoder")("layernorm_embedding"), size: d, epsilon: eps)
        decoderEmbeddingNorm = try LayerNorm(s("decoder")("layernorm_embedding"), size: d, epsilon: eps)
        encoderLayers = try (0..<c.encoderLayers).map {
            try BartLayer(s("encoder")("layers")($0), width: d, heads: c.encoderAttentionHeads, ffn: c.encoderFFNDim, activation: c.activation, decoder: false)
        }
        decoderLayers = try (0..<c.decoderLayers).map {
            try BartLayer(s("decoder")("layers")($0), width: d, heads: c.decoderAttentionHeads, ffn: c.decoderFFNDim, activation: c.activation, decoder: true)
        }
    }

    /// Token + learned position embeddings (positions from 2), then `layernorm_embedding`.
    private func embed(_ ids: [Int], _ batch: PackedBatch, positions table: FloatTensor, norm: LayerNorm) throws -> Matrix {
        let d = config.dModel
        let scale: Float = config.scaleEmbedding ? Float(d).squareRoot() : 1
        var x = Matrix(rows: ids.count, columns: d)
        for t in ids.indices {
            let id = ids[t], position = batch.positions[t] + BartConfig.positionOffset
            guard id >= 0 && id < config.vocabSize else { throw EncoderError.tokenOutOfRange(id: id, vocabularySize: config.vocabSize) }
            guard position < table.shape[0] else { throw EncoderError.sequenceTooLong(length: batch.positions[t] + 1, maximum: config.maxPositionEmbeddings) }
            let w = shared.pointer + id * d, p = table.pointer + position * d
            for i in 0..<d { x.values[t * d + i] = w[i] * scale + p[i] }
        }
        norm.forward(&x)
        return x
    }

    /// The decoder's input: each sequence shifted right behind `decoder_start_token_id` (`shift_tokens_right`).
    func decoderInput(_ batch: PackedBatch) -> [Int] {
        var ids = batch.ids
        for s in batch.sequences where !s.isEmpty {
            for t in stride(from: s.upperBound - 1, to: s.lowerBound, by: -1) { ids[t] = batch.ids[t - 1] }
            ids[s.lowerBound] = config.decoderStartTokenId
        }
        return ids
    }

    /// `only`: rows of the decoder's last hidden state wanted, one per sequence (the
    /// classifier's last `</s>`); its last layer then computes just those.
    public func forward(_ batch: PackedBatch, only: [Int]? = nil, tap: TensorTap? = nil) throws -> Matrix {
        precondition(only == nil || only!.count == batch.sequences.count, "one row per sequence")
        var memory = try embed(batch.ids, batch, positions: encoderPositions, norm: encoderEmbeddingNorm)
        for (i, layer) in encoderLayers.enumerated() {
            memory = layer.forward(memory, memory: nil, sequences: batch.sequences)
            tap?("encoder.layer.\(i)", memory)
        }
        var h = try embed(decoderInput(batch), batch, positions: decoderPositions, norm: decoderEmbeddingNorm)
        for (i, layer) in decoderLayers.enumerated() {
            h = layer.forward(h, memory: memory, sequences: batch.sequences, only: i == decoderLayers.count - 1 ? only : nil)
            tap?("decoder.layer.\(i)", h)
        }
        if decoderLayers.isEmpty, let only { return h.rows(only) }
        return h
    }
}
