// c[m×n] = a[m×k] · bᵀ (+ c) for few rows of a, with b the [n×k] weight: see few_rows.h.
#include "few_rows.h"

#include <immintrin.h>
#include <stddef.h>

// Weight rows are prefetched this many 4-row groups ahead: far enough to cover DRAM latency
// while one group is multiplied with every input row (measured best for 8–24 rows). They are
// prefetched into L2, not L1: L1 tracks few outstanding misses, and filling it stalled the
// stream (docs/performance.md has the figures).
#define PREFETCH_GROUPS 4

__attribute__((target("avx2,fma"))) static inline __m128 sum4(__m256 a0, __m256 a1, __m256 a2, __m256 a3) {
    __m256 h = _mm256_hadd_ps(_mm256_hadd_ps(a0, a1), _mm256_hadd_ps(a2, a3));
    return _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
}

__attribute__((target("avx2,fma")))
void smart_todo_few_rows_gemm(const float *a, const float *b, float *c, int m, int n, int k,
                              int column_start, int column_end, int accumulate) {
    const int k8 = k & ~7;
    const size_t row_bytes = (size_t)k * sizeof(float);
    const char *weights_end = (const char *)(b + (size_t)column_end * k);
    for (int j = column_start; j < column_end; j += 4) {
        const int jr = column_end - j < 4 ? column_end - j : 4;
        // Short groups repeat their last row: the extra sums are computed and dropped.
        const float *w0 = b + (size_t)j * k, *w1 = b + (size_t)(j + (jr > 1)) * k;
        const float *w2 = b + (size_t)(j + (jr > 2 ? 2 : jr - 1)) * k, *w3 = b + (size_t)(j + jr - 1) * k;
        const char *ahead = (const char *)(b + (size_t)(j + 4 * PREFETCH_GROUPS) * k);
        for (int i = 0; i < m; i += 3) {
            const int ir = m - i < 3 ? m - i : 3;
            const float *x0 = a + (size_t)i * k, *x1 = a + (size_t)(i + (ir > 1)) * k, *x2 = a + (size_t)(i + ir - 1) * k;
            __m256 s00 = _mm256_setzero_ps(), s01 = s00, s02 = s00, s03 = s00;
            __m256 s10 = s00, s11 = s00, s12 = s00, s13 = s00;
            __m256 s20 = s00, s21 = s00, s22 = s00, s23 = s00;
            // The first pass over this group streams it from memory; it also pulls a later group in.
            const int prefetching = i == 0 && ahead < weights_end;
            for (int t = 0; t < k8; t += 8) {
                if (prefetching) {
                    // 4 rows × k floats ahead = 4·row_bytes bytes over k/8 steps: two lines per step.
                    size_t offset = (size_t)t / 8 * 128;
                    if (offset < 4 * row_bytes) {
                        _mm_prefetch(ahead + offset, _MM_HINT_T1);
                        _mm_prefetch(ahead + offset + 64, _MM_HINT_T1);
                    }
                }
                const __m256 u0 = _mm256_loadu_ps(x0 + t), u1 = _mm256_loadu_ps(x1 + t), u2 = _mm256_loadu_ps(x2 + t);
                __m256 v = _mm256_loadu_ps(w0 + t);
                s00 = _mm256_fmadd_ps(u0, v, s00); s10 = _mm256_fmadd_ps(u1, v, s10); s20 = _mm256_fmadd_ps(u2, v, s20);
                v = _mm256_loadu_ps(w1 + t);
                s01 = _mm256_fmadd_ps(u0, v, s01); s11 = _mm256_fmadd_ps(u1, v, s11); s21 = _mm256_fmadd_ps(u2, v, s21);
                v = _mm256_loadu_ps(w2 + t);
                s02 = _mm256_fmadd_ps(u0, v, s02); s12 = _mm256_fmadd_ps(u1, v, s12); s22 = _mm256_fmadd_ps(u2, v, s22);
                v = _mm256_loadu_ps(w3 + t);
                s03 = _mm256_fmadd_ps(u0, v, s03); s13 = _mm256_fmadd_ps(u1, v, s13); s23 = _mm256_fmadd_ps(u2, v, s23);
            }
            float r[3][4];
            _mm_storeu_ps(r[0], sum4(s00, s01, s02, s03));
            _mm_storeu_ps(r[1], sum4(s10, s11, s12, s13));
            _mm_storeu_ps(r[2], sum4(s20, s21, s22, s23));
            for (int t = k8; t < k; t++) {
                r[0][0] += x0[t] * w0[t]; r[0][1] += x0[t] * w1[t]; r[0][2] += x0[t] * w2[t]; r[0][3] += x0[t] * w3[t];
                r[1][0] += x1[t] * w0[t]; r[1][1] += x1[t] * w1[t]; r[1][2] += x1[t] * w2[t]; r[1][3] += x1[t] * w3[t];
                r[2][0] += x2[t] * w0[t]; r[2][1] += x2[t] * w1[t]; r[2][2] += x2[t] * w2[t]; r[2][3] += x2[t] * w3[t];
            }
            for (int p = 0; p < ir; p++) {
                float *out = c + (size_t)(i + p) * n + j;
                for (int q = 0; q < jr; q++) out[q] = accumulate ? out[q] + r[p][q] : r[p][q];
            }
        }
    }
}
