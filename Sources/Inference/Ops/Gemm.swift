import Kernels
import Foundation

/// The one place the engine calls BLAS. Weights are stored as Hugging Face
/// stores them, `[out, in]` row-major, so a linear layer is `X · Wᵀ` in a single
/// `cblas_sgemm` (row-major, no-trans × trans; OpenBLAS, loaded on first use) over all batch·sequence rows.
/// Leading dimensions let attention address one head's columns in place.
///
/// Threads: OpenBLAS stays single-threaded (its spinning pool was slower than one
/// thread on this machine); `parallelMultiplyTransposed` splits a large product
/// into independent blocks, one per engine thread.
public enum Gemm {
    /// Products below this many multiply-adds run on one thread: splitting costs more than it saves.
    static let parallelThreshold = 1 << 20

    /// `multiplyTransposed` for contiguous row-major operands, split over the engine's
    /// threads: by rows when there are many, else by output columns (weight rows).
    /// - Parameter lanes: threads to use; default the engine's setting.
    /// - Parameter bias: `[n]`, added to every row (`beta` must then be 0); each lane writes it
    ///   into its own block of `c` before accumulating, so the copy is split too.
    public static func parallelMultiplyTransposed(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, beta: Float = 0, bias: UnsafePointer<Float>? = nil, lanes: Int? = nil
    ) {
        precondition(beta == 0 || beta == 1, "beta is 0 (overwrite) or 1 (accumulate)")
        precondition(bias == nil || beta == 0, "a bias replaces what c held")
        let lanes = lanes ?? EngineThreads.count
        let operands = Operands(a: a, b: b, c: c, bias: bias)
        let beta: Float = bias == nil ? beta : 1
        if m <= FewRowsKernel.maxRows {
            let parts = m * n * k >= parallelThreshold ? lanes : 1
            let columns = ((n + parts - 1) / parts + 3) / 4 * 4
            let run: @Sendable (Int) -> Void = { lane in
                let start = lane * columns, end = min(n, start + columns)
                guard start < end else { return }
                operands.writeBias(rows: 0..<m, columns: start..<end, n: n)
                FewRowsKernel.multiplyTransposed(operands.a, operands.b, into: operands.c, m: m, n: n, k: k,
                                                 columns: start..<end, accumulate: beta == 1)
            }
            EngineThreads.parallel(parts, lanes: parts, run)
            return
        }
        guard lanes > 1, m * n * k >= parallelThreshold else {
            operands.writeBias(rows: 0..<m, columns: 0..<n, n: n)
            multiplyTransposed(a, b, into: c, m: m, n: n, k: k, beta: beta)
            return
        }
        // Each lane packs the operand it does not split: split the longer side, so the shorter is packed twice.
        if m >= 8 * lanes && m >= n {
            let rows = (m + lanes - 1) / lanes
            EngineThreads.parallel(lanes, lanes: lanes) { lane in
                let start = lane * rows, count = min(rows, m - start)
                guard count > 0 else { return }
                operands.writeBias(rows: start..<start + count, columns: 0..<n, n: n)
                multiplyTransposed(operands.a + start * k, operands.b, into: operands.c + start * n, m: count, n: n, k: k, beta: beta)
            }
        } else {
            let columns = ((n + lanes - 1) / lanes + 15) / 16 * 16
            EngineThreads.parallel(lanes, lanes: lanes) { lane in
                let start = lane * columns, count = min(columns, n - start)
                guard count > 0 else { return }
                operands.writeBias(rows: 0..<m, columns: start..<start + count, n: n)
                multiplyTransposed(operands.a, operands.b + start * k, into: operands.c + start, m: m, n: count, k: k, ldc: n, beta: beta)
            }
        }
    }

    /// Operand pointers handed to the lanes; each lane writes a disjoint block of `c`.
    private struct Operands: @unchecked Sendable {
        let a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>
        let bias: UnsafePointer<Float>?

        /// Copies the bias into the block `rows × columns` of `c` (row length `n`), if there is one.
        func writeBias(rows: Range<Int>, columns: Range<Int>, n: Int) {
            guard let bias else { return }
            for r in rows { (c + r * n + columns.lowerBound).update(from: bias + columns.lowerBound, count: columns.count) }
        }
    }

    /// `c[m×n] = alpha · a[m×k] · bᵀ + beta · c`, with `b` stored `[n×k]`.
    public static func multiplyTransposed(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil, alpha: Float = 1, beta: Float = 0
    ) {
        guard m > 0, n > 0 else { return }
        precondition((lda ?? k) >= k && (ldb ?? k) >= k && (ldc ?? n) >= n, "leading dimensions shorter than rows")
        smart_todo_sgemm(SmartTodoBLASNoTrans, SmartTodoBLASTrans,
                    /* m= */ Int32(m), /* n= */ Int32(n), /* k= */ Int32(k),
                    /* alpha= */ alpha, a, /* lda= */ Int32(lda ?? k), b, /* ldb= */ Int32(ldb ?? k),
                    /* beta= */ beta, c, /* ldc= */ Int32(ldc ?? n))
    }

    /// `c[m×n] = alpha · a[m×k] · b[k×n] + beta · c` (attention's probabilities · values).
    public static func multiply(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil, alpha: Float = 1, beta: Float = 0
    ) {
        guard m > 0, n > 0 else { return }
        precondition((lda ?? k) >= k && (ldb ?? n) >= n && (ldc ?? n) >= n, "leading dimensions shorter than rows")
        smart_todo_sgemm(SmartTodoBLASNoTrans, SmartTodoBLASNoTrans,
                    /* m= */ Int32(m), /* n= */ Int32(n), /* k= */ Int32(k),
                    /* alpha= */ alpha, a, /* lda= */ Int32(lda ?? k), b, /* ldb= */ Int32(ldb ?? n),
                    /* beta= */ beta, c, /* ldc= */ Int32(ldc ?? n))
    }
}
