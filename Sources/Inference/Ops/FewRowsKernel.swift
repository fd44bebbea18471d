/// `c[m×n] = a[m×k] · bᵀ (+ c)` for few rows of `a`, without packing `b`.
///
/// BLAS packs the whole `[n, k]` weight into its panel layout on every call;
/// with a handful of tokens that packing costs more than the arithmetic (61 %
/// of a short sentence's time). Here weight rows are streamed once, four at a
/// time, against input rows taken two at a time: each loaded vector feeds
/// several fused multiply-adds (6 loads per 8 FMAs, 11 of the 16 AVX registers).
enum FewRowsKernel {
    /// Up to this many rows the kernel beats packed GEMM on this machine.
    static let maxRows = 24

    /// Computes output columns `columns` (weight rows) only, so threads can split them.
    static func multiplyTransposed(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
                                   m: Int, n: Int, k: Int, columns: Range<Int>, accumulate: Bool) {
        let wide = k / 8 * 8
        var j = columns.lowerBound
        while j < columns.upperBound {
            let rows = min(4, columns.upperBound - j)
            var i = 0
            while i < m {
                let pair = min(2, m - i)
                var sums = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
                let x0 = UnsafeRawPointer(a + i * k), x1 = UnsafeRawPointer(a + (i + pair - 1) * k)
                let w0 = UnsafeRawPointer(b + j * k)
                let w1 = UnsafeRawPointer(b + (j + min(1, rows - 1)) * k)
                let w2 = UnsafeRawPointer(b + (j + min(2, rows - 1)) * k)
                let w3 = UnsafeRawPointer(b + (j + min(3, rows - 1)) * k)
                var t = 0
                while t < wide {
                    let o = t &* 4
                    let u = x0.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                    let v = x1.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                    var w = w0.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                    sums.0 = sums.0.addingProduct(u, w); sums.4 = sums.4.addingProduct(v, w)
                    w = w1.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                    sums.1 = sums.1.addingProduct(u, w); sums.5 = sums.5.addingProduct(v, w)
                    w = w2.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                    sums.2 = sums.2.addingProduct(u, w); sums.6 = sums.6.addingProduct(v, w)
                    w = w3.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                    sums.3 = sums.3.addingProduct(u, w); sums.7 = sums.7.addingProduct(v, w)
                    t &+= 8
                }
                withUnsafeTemporaryAllocation(of: Float.self, capacity: 8) { r in
                    r[0] = sums.0.sum(); r[1] = sums.1.sum(); r[2] = sums.2.sum(); r[3] = sums.3.sum()
                    r[4] = sums.4.sum(); r[5] = sums.5.sum(); r[6] = sums.6.sum(); r[7] = sums.7.sum()
                    while t < k {
                        for q in 0..<4 {
                            let wv = b[(j + min(q, rows - 1)) * k + t]
                            r[q] += a[i * k + t] * wv
                            r[4 + q] += a[(i + pair - 1) * k + t] * wv
                        }
                        t += 1
                    }
                    for p in 0..<pair {
                        let out = c + (i + p) * n + j
                        for q in 0..<rows { if accumulate { out[q] += r[p * 4 + q] } else { out[q] = r[p * 4 + q] } }
                    }
                }
                i += 2
            }
            j += 4
        }
    }
}
