import Kernels

/// `c[m×n] = a[m×k] · bᵀ (+ c)` for few rows of `a`, without packing `b`
/// (the kernel is C: Sources/Kernels/few_rows.c).
///
/// BLAS packs the whole `[n, k]` weight into its panel layout on every call; for up to
/// ~128 token rows that packing costs more than it saves. Here weight rows are streamed
/// once, four at a time, against input rows taken three at a time (12 AVX2 accumulators),
/// and the rows a few groups ahead are prefetched into L2 while the current ones are
/// reused: each weight is read from memory once per call (the 42 MB encoder does not fit
/// the 32 MB L3; both cores stream it in ~0.9 ms), overlapped with the arithmetic.
enum FewRowsKernel {
    /// Up to this many rows the kernel beats packed GEMM on this machine (MiniLM, 2 threads,
    /// warm: 36 rows 6.8 vs 7.9 ms, 108 rows 17.6 vs 19.5 ms, even at 144, behind at 216), and a
    /// process that stays below it never loads OpenBLAS at all (`todo add` of a typical title).
    static let maxRows = 128

    /// Computes output columns `columns` (weight rows) only, so threads can split them.
    static func multiplyTransposed(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
                                   m: Int, n: Int, k: Int, columns: Range<Int>, accumulate: Bool) {
        smart_todo_few_rows_gemm(a, b, c, Int32(m), Int32(n), Int32(k), Int32(columns.lowerBound), Int32(columns.upperBound), accumulate ? 1 : 0)
    }
}
