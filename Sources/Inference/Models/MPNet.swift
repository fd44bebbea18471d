import Foundation

/// MPNet encoder mirroring transformers' `modeling_mpnet.py` (all-mpnet-base-v2): one type
/// per submodule, each loaded from the scope whose names are its safetensors names.
/// Unlike BERT: no token types, positions numbered after the padding index as in RoBERTa,
/// `attention.attn.{q,k,v,o}` with the add & norm in `attention.LayerNorm`, and a learned
/// relative position bias added to every layer's attention scores.

/// `MPNetEmbeddings`: word + position embeddings, then LayerNorm.
struct MPNetEmbeddings: Sendable {
    /// transformers sets `padding_idx = 1` itself, whatever `pad_token_id` says.
    static let paddingIndex = 1

    let wordEmbeddings: FloatTensor      // [vocab, hidden]
    let positionEmbeddings: FloatTensor  // [max positions, hidden]
    let layerNorm: LayerNorm
    let config: MPNetConfig

    init(_ s: WeightScope, _ c: MPNetConfig) throws {
        wordEmbeddings = try s("word_embeddings").tensor("weight", shape: [c.vocabSize, c.hiddenSize])
        positionEmbeddings = try s("position_embeddings").tensor("weight", shape: [c.maxPositionEmbeddings, c.hiddenSize])
        layerNorm = try LayerNorm(s("LayerNorm"), size: c.hiddenSize, epsilon: c.layerNormEps)
        config = c
    }

    /// `create_position_ids_from_input_ids`: the padding index plus a running count of
    /// non-padding tokens; a padding-id token (a literal `<pad>` in the text) gets the padding
    /// index and later tokens skip it. `[tokens]`.
    static func positionIds(_ batch: PackedBatch) -> [Int] {
        var out = [Int](repeating: paddingIndex, count: batch.tokenCount)
        for s in batch.sequences {
            var count = 0
            for t in s where batch.ids[t] != paddingIndex {
                count += 1
                out[t] = paddingIndex + count
            }
        }
        return out
    }

    /// `[tokens, hidden]` of a packed batch.
    func forward(_ batch: PackedBatch) throws -> Matrix {
        let h = config.hiddenSize
        var x = Matrix.uninitialized(rows: batch.tokenCount, columns: h)
        for (t, position) in Self.positionIds(batch).enumerated() {
            let id = batch.ids[t]
            guard id >= 0 && id < config.vocabSize else { throw EncoderError.tokenOutOfRange(id: id, vocabularySize: config.vocabSize) }
            guard position < config.maxPositionEmbeddings else {
                throw EncoderError.sequenceTooLong(length: batch.positions[t] + 1, maximum: config.maxSequenceLength)
            }
            let w = wordEmbeddings.pointer + id * h, p = positionEmbeddings.pointer + position * h
            for i in 0..<h { x.values[t * h + i] = w[i] + p[i] }
        }
        layerNorm.forward(&x)
        return x
    }
}

/// `MPNetSelfAttention`: q, k, v projections, scaled scores plus the position bias, softmax, then `o`.
struct MPNetSelfAttention: Sendable {
    let q: Linear, k: Linear, v: Linear, o: Linear
    let heads: Int

    init(_ s: WeightScope, _ c: MPNetConfig) throws {
        let h = c.hiddenSize
        q = try Linear(s("q"), in: h, out: h)
        k = try Linear(s("k"), in: h, out: h)
        v = try Linear(s("v"), in: h, out: h)
        o = try Linear(s("o"), in: h, out: h)
        heads = c.numAttentionHeads
    }

    /// `x`: `[tokens, hidden]` → `[tokens, hidden]`; `positionBias`: `[heads, longest, longest]`.
    func forward(_ x: Matrix, sequences: [Range<Int>], positionBias: AttentionBias) -> Matrix {
        let context = MultiHeadAttention.forward(q: q.forward(x), k: k.forward(x), v: v.forward(x), heads: heads,
                                                 sequences: sequences, bias: positionBias)
        return o.forward(context)
    }
}

/// `MPNetAttention`: self-attention, then `LayerNorm(attn(x) + x)`.
struct MPNetAttention: Sendable {
    let attn: MPNetSelfAttention
    let layerNorm: LayerNorm

    init(_ s: WeightScope, _ c: MPNetConfig) throws {
        attn = try MPNetSelfAttention(s("attn"), c)
        layerNorm = try LayerNorm(s("LayerNorm"), size: c.hiddenSize, epsilon: c.layerNormEps)
    }

    /// `[tokens, hidden]` → `[tokens, hidden]`.
    func forward(_ x: Matrix, sequences: [Range<Int>], positionBias: AttentionBias) -> Matrix {
        var out = attn.forward(x, sequences: sequences, positionBias: positionBias)
        layerNorm.forward(&out, adding: x)
        return out
    }
}

/// `MPNetIntermediate`: `dense` then the activation.
struct MPNetIntermediate: Sendable {
    let dense: Linear
    let activation: Activation

    init(_ s: WeightScope, _ c: MPNetConfig) throws {
        dense = try Linear(s("dense"), in: c.hiddenSize, out: c.intermediateSize)
        activation = c.hiddenAct
    }

    /// `[tokens, hidden]` → `[tokens, intermediate]`.
    func forward(_ x: Matrix) -> Matrix {
        var hidden = dense.forward(x)
        activation.apply(&hidden)
        return hidden
    }
}

/// `MPNetOutput`: `LayerNorm(dense(hidden) + input)`.
struct MPNetOutput: Sendable {
    let dense: Linear
    let layerNorm: LayerNorm

    init(_ s: WeightScope, _ c: MPNetConfig) throws {
        dense = try Linear(s("dense"), in: c.intermediateSize, out: c.hiddenSize)
        layerNorm = try LayerNorm(s("LayerNorm"), size: c.hiddenSize, epsilon: c.layerNormEps)
    }

    /// `hidden`: `[tokens, intermediate]`, `input`: `[tokens, hidden]` → `[tokens, hidden]`.
    func forward(_ hidden: Matrix, input: Matrix) -> Matrix {
        var out = dense.forward(hidden)
        layerNorm.forward(&out, adding: input)
        return out
    }
}

/// `MPNetLayer`: attention, intermediate, output.
struct MPNetLayer: Sendable {
    let attention: MPNetAttention
    let intermediate: MPNetIntermediate
    let output: MPNetOutput

    init(_ s: WeightScope, _ c: MPNetConfig) throws {
        attention = try MPNetAttention(s("attention"), c)
        intermediate = try MPNetIntermediate(s("intermediate"), c)
        output = try MPNetOutput(s("output"), c)
    }

    /// `[tokens, hidden]` → `[tokens, hidden]`.
    func forward(_ x: Matrix, sequences: [Range<Int>], positionBias: AttentionBias, tap: TensorTap?, name: String) -> Matrix {
        let attended = attention.forward(x, sequences: sequences, positionBias: positionBias)
        tap?("\(name).attention", attended)
        let out = output.forward(intermediate.forward(attended), input: attended)
        tap?("\(name).output", out)
        return out
    }
}

/// `MPNetEncoder`: the layers and `relative_attention_bias`, the learned bias of each relative
/// position bucket and head. The bias `[heads, seq, seq]` is computed once per forward pass and
/// shared by every layer, as transformers does.
struct MPNetEncoder: Sendable {
    /// `compute_position_bias`'s `num_buckets`, and the `max_distance` of `relative_position_bucket`.
    static let buckets = 32, maxDistance = 128

    let layers: [MPNetLayer]
    let relativeAttentionBias: FloatTensor  // [buckets, heads]
    let heads: Int

    init(_ s: WeightScope, _ c: MPNetConfig) throws {
        layers = try (0..<c.numHiddenLayers).map { try MPNetLayer(s("layer")($0), c) }
        relativeAttentionBias = try s("relative_attention_bias").tensor("weight", shape: [c.relativeAttentionNumBuckets, c.numAttentionHeads])
        heads = c.numAttentionHeads
    }

    /// `relative_position_bucket`, bidirectional: keys before the query (`relative` = key −
    /// query < 0) take buckets 0–15, keys after it 16–31; distances below 8 get a bucket each,
    /// longer ones share logarithmically spaced buckets up to `maxDistance`, and beyond it the
    /// last. In float32 as torch computes it (log, divide, multiply, truncate), so the
    /// boundaries (distances 16, 32, 64) fall where the reference puts them.
    static func relativePositionBucket(_ relative: Int, buckets: Int = buckets, maxDistance: Int = maxDistance) -> Int {
        let half = buckets / 2, maxExact = half / 2
        let n = -relative
        let base = n < 0 ? half : 0
        let distance = abs(n)
        if distance < maxExact { return base + distance }
        let scale = Float(log(Double(maxDistance) / Double(maxExact)))
        let large = maxExact + Int(logf(Float(distance) / Float(maxExact)) / scale * Float(half - maxExact))
        return base + min(large, half - 1)
    }

    /// `compute_position_bias` for sequences of up to `length` tokens: `[heads, length, length]`,
    /// entry (h, i, j) the bias of head h for query i and key j. It depends on j − i only, so a
    /// shorter sequence's bias is this table's top-left block.
    func positionBias(length: Int) -> AttentionBias {
        // One value per head and relative position j − i in −(length − 1)…(length − 1).
        let span = max(2 * length - 1, 0)
        var byOffset = [Float](repeating: 0, count: heads * span)
        for d in 0..<span {
            let bucket = Self.relativePositionBucket(d - (length - 1))
            for h in 0..<heads { byOffset[h * span + d] = relativeAttentionBias.pointer[bucket * heads + h] }
        }
        let values = [Float](unsafeUninitializedCapacity: heads * length * length) { out, count in
            byOffset.withUnsafeBufferPointer { table in
                for h in 0..<heads {
                    for i in 0..<length {  // row i is the table's window starting at offset −i
                        (out.baseAddress! + (h * length + i) * length)
                            .initialize(from: table.baseAddress! + h * span + (length - 1) - i, count: length)
                    }
                }
            }
            count = heads * length * length
        }
        return AttentionBias(values: values, heads: heads, size: length)
    }

    /// `[tokens, hidden]` → `[tokens, hidden]` of a packed batch.
    func forward(_ x: Matrix, sequences: [Range<Int>], tap: TensorTap?) -> Matrix {
        let bias = positionBias(length: sequences.map(\.count).max() ?? 0)
        var x = x
        for (i, layer) in layers.enumerated() {
            x = layer.forward(x, sequences: sequences, positionBias: bias, tap: tap, name: "layer.\(i)")
        }
        return x
    }
}

/// `MPNetModel` without its pooler: embeddings, then the encoder.
/// Returns the last hidden state `[tokens, hidden]` of a packed batch.
public struct MPNetModel: Sendable {
    public let config: MPNetConfig
    let embeddings: MPNetEmbeddings
    let encoder: MPNetEncoder

    /// Tensors an MPNet checkpoint may carry that the encoder does not use.
    public static let ignorableTensors = ["embeddings.position_ids", "pooler."]

    /// - Parameter scope: where `embeddings` and `encoder` live (the root of a sentence-transformers checkpoint).
    public init(_ scope: WeightScope, config: MPNetConfig) throws {
        self.config = config
        embeddings = try MPNetEmbeddings(scope("embeddings"), config)
        encoder = try MPNetEncoder(scope("encoder"), config)
    }

    public func forward(_ batch: PackedBatch, tap: TensorTap? = nil) throws -> Matrix {
        let x = try embeddings.forward(batch)
        tap?("embeddings", x)
        return encoder.forward(x, sequences: batch.sequences, tap: tap)
    }
}
