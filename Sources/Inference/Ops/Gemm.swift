import CBLAS

/// The one place the engine calls BLAS. Weights are stored as Hugging Face
/// stores them, `[out, in]` row-major, so a linear layer is `X · Wᵀ` in a single
/// `cblas_sgemm` (row-major, no-trans × trans) over all batch·sequence rows.
/// Leading dimensions let attention address one head's columns in place.
public enum Gemm {
    /// `c[m×n] = alpha · a[m×k] · bᵀ + beta · c`, with `b` stored `[n×k]`.
    public static func multiplyTransposed(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil, alpha: Float = 1, beta: Float = 0
    ) {
        guard m > 0, n > 0 else { return }
        precondition((lda ?? k) >= k && (ldb ?? k) >= k && (ldc ?? n) >= n, "leading dimensions shorter than rows")
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
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
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                    /* m= */ Int32(m), /* n= */ Int32(n), /* k= */ Int32(k),
                    /* alpha= */ alpha, a, /* lda= */ Int32(lda ?? k), b, /* ldb= */ Int32(ldb ?? n),
                    /* beta= */ beta, c, /* ldc= */ Int32(ldc ?? n))
    }
}
