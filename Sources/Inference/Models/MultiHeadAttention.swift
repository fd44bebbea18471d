import BLAS
import Foundation

/// Scaled dot-product attention of every head over each packed sequence:
/// `softmax(Q·Kᵀ/√d)·V`. Heads are addressed in place through GEMM leading
/// dimensions (no transposes, no copies); sequences never see each other, so
/// no padding mask is needed. (sequence, head) pairs are independent and are
/// spread over the engine's threads.
enum MultiHeadAttention {
    /// Sequences up to this long are attended in plain loops (Sources/BLAS/attention.c): a
    /// title or a query then never loads OpenBLAS, whose dynamic linking costs ~3 ms a process.
    static let shortSequence = 64

    /// `q`, `k`, `v`: `[tokens, heads·headSize]` → context `[tokens, heads·headSize]`.
    /// `causal`: token i attends to tokens ≤ i only (a decoder's self-attention); masked
    /// scores are a large finite negative, so no row can become NaN.
    /// Cross-attention passes the encoder's `k`, `v`: packed the same way, sequence by sequence.
    /// `plainUpTo`: the longest sequence attended without BLAS (tests compare both paths).
    static func forward(q: Matrix, k: Matrix, v: Matrix, heads: Int, sequences: [Range<Int>], causal: Bool = false,
                        plainUpTo: Int = shortSequence) -> Matrix {
        let width = q.columns, headSize = width / heads
        let scale = 1 / Float(headSize).squareRoot()
        var context = Matrix.uninitialized(rows: q.rows, columns: width)  // every (sequence, head) block is written
        let work = sequences.filter { !$0.isEmpty }.flatMap { s in (0..<heads).map { (s, $0) } }
        let lanes = min(EngineThreads.count, work.count)
        let longest = sequences.map(\.count).max() ?? 0
        q.values.withUnsafeBufferPointer { qp in
            k.values.withUnsafeBufferPointer { kp in
                v.values.withUnsafeBufferPointer { vp in
                    context.values.withUnsafeMutableBufferPointer { cp in
                        let b = Buffers(q: qp.baseAddress!, k: kp.baseAddress!, v: vp.baseAddress!, context: cp.baseAddress!)
                        // Lanes write disjoint (rows, head columns) blocks of the context.
                        let lane: @Sendable (Int) -> Void = { index in
                            let scores = UnsafeMutablePointer<Float>.allocate(capacity: max(longest * longest, 1))
                            defer { scores.deallocate() }
                            var item = index
                            while item < work.count {
                                let (sequence, h) = work[item]
                                let n = sequence.count
                                let offset = sequence.lowerBound * width + h * headSize
                                item += lanes
                                if n <= plainUpTo {
                                    smart_todo_attention_head(b.q + offset, b.k + offset, b.v + offset, b.context + offset, Int32(n),
                                                              Int32(headSize), Int32(width), scale, causal ? 1 : 0, scores)
                                    continue
                                }
                                Gemm.multiplyTransposed(b.q + offset, b.k + offset, into: scores,
                                                        m: n, n: n, k: headSize, lda: width, ldb: width, ldc: n, alpha: scale)
                                if causal {
                                    for r in 0..<n { for c in (r + 1)..<max(r + 1, n) { scores[r * n + c] = -1e30 } }
                                }
                                for r in 0..<n { softmaxRow(scores + r * n, count: n) }
                                Gemm.multiply(scores, b.v + offset, into: b.context + offset, m: n, n: headSize, k: n, lda: n, ldb: width, ldc: width)
                            }
                        }
                        // Each lane's GEMMs are small: OpenBLAS runs them on the calling thread.
                        EngineThreads.parallel(lanes, lanes: lanes, lane)
                    }
                }
            }
        }
        return context
    }

    /// The matrices' storage, shared by the lanes for the duration of one call.
    private struct Buffers: @unchecked Sendable {
        let q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>
        let context: UnsafeMutablePointer<Float>
    }
}
