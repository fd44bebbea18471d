import Kernels
import Foundation

/// Scaled dot-product attention of every head over each packed sequence:
/// `softmax(Q·Kᵀ/√d + B)·V`, B an optional additive bias (MPNet's relative positions).
/// Heads are addressed in place through GEMM leading
/// dimensions (no transposes, no copies); sequences never see each other, so
/// no padding mask is needed. (sequence, head) pairs are independent and are
/// spread over the engine's threads.
enum MultiHeadAttention {
    /// Sequences up to this long are attended in plain loops (Sources/Kernels/attention.c): a
    /// title or a query then never loads OpenBLAS, whose dynamic linking costs ~3 ms a process.
    static let shortSequence = 64

    /// `q`, `k`, `v`: `[tokens, heads·headSize]` → context `[tokens, heads·headSize]`.
    /// `causal`: token i attends to tokens ≤ i only (a decoder's self-attention); masked
    /// scores are a large finite negative, so no row can become NaN.
    /// Cross-attention passes the encoder's `k`, `v`: packed the same way, sequence by sequence.
    /// `keySequences`: where each sequence's keys and values are, when `q` holds only some of
    /// its rows (a classifier's last layer computes only the token its head reads); by
    /// default the same ranges as the queries.
    /// `bias`: added to every head's scores before the softmax (queries and keys must then be the same rows).
    /// `plainUpTo`: the longest sequence attended without BLAS (tests compare both paths).
    static func forward(q: Matrix, k: Matrix, v: Matrix, heads: Int, sequences: [Range<Int>], keySequences: [Range<Int>]? = nil,
                        causal: Bool = false, bias: AttentionBias? = nil, plainUpTo: Int = shortSequence) -> Matrix {
        precondition(bias == nil || keySequences == nil, "a bias is indexed by query position: every query row is needed")
        precondition(bias.map { $0.heads == heads && $0.size >= sequences.map(\.count).max() ?? 0 } ?? true,
                     "the bias covers every head and the longest sequence")
        let keySequences = keySequences ?? sequences
        precondition(keySequences.count == sequences.count, "one key range per query range")
        precondition(!causal || zip(sequences, keySequences).allSatisfy { $0.count == $1.count }, "causal attention needs every query")
        let width = q.columns, headSize = width / heads
        let scale = 1 / Float(headSize).squareRoot()
        var context = Matrix.uninitialized(rows: q.rows, columns: width)  // every (sequence, head) block is written
        let work = zip(sequences, keySequences).filter { !$0.0.isEmpty }.flatMap { pair in (0..<heads).map { (pair.0, pair.1, $0) } }
        let lanes = min(EngineThreads.count, work.count)
        let scratch = zip(sequences, keySequences).map { $0.count * $1.count }.max() ?? 0
        let biasValues = bias?.values ?? [], biasSize = bias?.size ?? 0
        q.values.withUnsafeBufferPointer { qp in
            k.values.withUnsafeBufferPointer { kp in
                v.values.withUnsafeBufferPointer { vp in
                    context.values.withUnsafeMutableBufferPointer { cp in
                        biasValues.withUnsafeBufferPointer { bp in
                            let b = Buffers(q: qp.baseAddress!, k: kp.baseAddress!, v: vp.baseAddress!, context: cp.baseAddress!,
                                            bias: bias == nil ? nil : bp.baseAddress)
                            // Lanes write disjoint (rows, head columns) blocks of the context.
                            let lane: @Sendable (Int) -> Void = { index in
                                let scores = UnsafeMutablePointer<Float>.allocate(capacity: max(scratch, 1))
                                defer { scores.deallocate() }
                                var item = index
                                while item < work.count {
                                    let (queries, keys, h) = work[item]
                                    let m = queries.count, n = keys.count
                                    let offset = queries.lowerBound * width + h * headSize, keyOffset = keys.lowerBound * width + h * headSize
                                    item += lanes
                                    // Head h's bias block; row i of a sequence reads its row i (the top-left n × n block).
                                    let headBias = b.bias.map { $0 + h * biasSize * biasSize }
                                    if n <= plainUpTo {
                                        smart_todo_attention_head(b.q + offset, b.k + keyOffset, b.v + keyOffset, b.context + offset, Int32(m), Int32(n),
                                                                  Int32(headSize), Int32(width), scale, causal ? 1 : 0, headBias, Int32(biasSize), scores)
                                        continue
                                    }
                                    Gemm.multiplyTransposed(b.q + offset, b.k + keyOffset, into: scores,
                                                            m: m, n: n, k: headSize, lda: width, ldb: width, ldc: n, alpha: scale)
                                    if let headBias {
                                        for r in 0..<m {
                                            let row = scores + r * n, add = headBias + r * biasSize
                                            for c in 0..<n { row[c] += add[c] }
                                        }
                                    }
                                    if causal {
                                        for r in 0..<m { for c in (r + 1)..<max(r + 1, n) { scores[r * n + c] = -1e30 } }
                                    }
                                    for r in 0..<m { softmaxRow(scores + r * n, count: n) }
                                    Gemm.multiply(scores, b.v + keyOffset, into: b.context + offset, m: m, n: headSize, k: n, lda: n, ldb: width, ldc: width)
                                }
                            }
                            // Each lane's GEMMs are small: OpenBLAS runs them on the calling thread.
                            EngineThreads.parallel(lanes, lanes: lanes, lane)
                        }
                    }
                }
            }
        }
        return context
    }

    /// Query ranges when `q` holds just one row of each sequence (a classifier's last layer):
    /// row i is sequence i's only query.
    static func oneQueryEach(_ rows: [Int]) -> [Range<Int>] { rows.indices.map { $0..<($0 + 1) } }

    /// The matrices' storage, shared by the lanes for the duration of one call.
    private struct Buffers: @unchecked Sendable {
        let q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>
        let context: UnsafeMutablePointer<Float>
        let bias: UnsafePointer<Float>?
    }
}

/// An additive bias on attention scores, `[heads, size, size]`: entry (h, i, j) is added to head
/// h's score of query i for key j before the softmax. Every sequence of a packed batch reads the
/// top-left n × n block of its head (n ≤ size, its length): a bias that depends only on the
/// positions within a sequence (MPNet's relative position buckets) is the same block for every
/// sequence, so one table of the batch's longest length serves them all, and every layer.
struct AttentionBias: Sendable {
    /// `[heads, size, size]`, row-major.
    let values: [Float]
    let heads: Int
    let size: Int

    init(values: [Float], heads: Int, size: Int) {
        precondition(values.count == heads * size * size, "an attention bias is [heads, size, size]")
        self.values = values
        self.heads = heads
        self.size = size
    }
}
