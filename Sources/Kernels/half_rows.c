// Dot products of a float32 query with binary16 rows: see half_rows.h.
#include "half_rows.h"
#include "lanes.h"

#include <immintrin.h>

__attribute__((target("avx2,fma,f16c")))
void smart_todo_half_rows_dot(const float *query, const uint16_t *rows, float *out, int k, int row_start, int row_end) {
    const int k16 = k & ~15, k8 = k & ~7;
    for (int r = row_start; r < row_end; r++) {
        const uint16_t *row = rows + (size_t)r * k;
        // Two sums: one FMA chain would wait on its own latency at every step.
        __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
        int j = 0;
        for (; j < k16; j += 16) {
            s0 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + j))), _mm256_loadu_ps(query + j), s0);
            s1 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + j + 8))), _mm256_loadu_ps(query + j + 8), s1);
        }
        for (; j < k8; j += 8) {
            s0 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + j))), _mm256_loadu_ps(query + j), s0);
        }
        float sum = smart_todo_sum8(_mm256_add_ps(s0, s1));
        for (; j < k; j++) sum += _cvtsh_ss(row[j]) * query[j];
        out[r] = sum;
    }
}

__attribute__((target("avx2,fma,f16c")))
void smart_todo_floats_to_halves(const float *values, uint16_t *halves, size_t count) {
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        _mm_storeu_si128((__m128i *)(halves + i), _mm256_cvtps_ph(_mm256_loadu_ps(values + i), _MM_FROUND_TO_NEAREST_INT));
    }
    for (; i < count; i++) halves[i] = _cvtss_sh(values[i], _MM_FROUND_TO_NEAREST_INT);
}

__attribute__((target("avx2,fma,f16c")))
void smart_todo_halves_to_floats(const uint16_t *halves, float *values, size_t count) {
    size_t i = 0;
    for (; i + 8 <= count; i += 8) _mm256_storeu_ps(values + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(halves + i))));
    for (; i < count; i++) values[i] = _cvtsh_ss(halves[i]);
}
