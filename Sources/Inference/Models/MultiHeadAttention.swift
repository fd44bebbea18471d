import Foundation

/// Scaled dot-product attention of every head over each packed sequence:
/// `softmax(Q·Kᵀ/√d)·V`. Heads are addressed in place through GEMM leading
/// dimensions (no transposes, no copies); sequences never see each other, so
/// no padding mask is needed.
enum MultiHeadAttention {
    /// `q`, `k`, `v`: `[tokens, heads·headSize]` → context `[tokens, heads·headSize]`.
    static func forward(q: Matrix, k: Matrix, v: Matrix, heads: Int, sequences: [Range<Int>]) -> Matrix {
        let width = q.columns, headSize = width / heads
        let scale = 1 / Float(headSize).squareRoot()
        var context = Matrix(rows: q.rows, columns: width)
        let longest = sequences.map(\.count).max() ?? 0
        var scores = [Float](repeating: 0, count: longest * longest)
        q.values.withUnsafeBufferPointer { qp in
            k.values.withUnsafeBufferPointer { kp in
                v.values.withUnsafeBufferPointer { vp in
                    context.values.withUnsafeMutableBufferPointer { cp in
                        scores.withUnsafeMutableBufferPointer { sp in
                            for sequence in sequences where !sequence.isEmpty {
                                let n = sequence.count
                                for h in 0..<heads {
                                    let offset = sequence.lowerBound * width + h * headSize
                                    Gemm.multiplyTransposed(qp.baseAddress! + offset, kp.baseAddress! + offset, into: sp.baseAddress!,
                                                            m: n, n: n, k: headSize, lda: width, ldb: width, ldc: n, alpha: scale)
                                    for r in 0..<n { softmaxRow(sp.baseAddress! + r * n, count: n) }
                                    Gemm.multiply(sp.baseAddress!, vp.baseAddress! + offset, into: cp.baseAddress! + offset,
                                                  m: n, n: headSize, k: n, lda: n, ldb: width, ldc: width)
                                }
                            }
                        }
                    }
                }
            }
        }
        return context
    }
}
