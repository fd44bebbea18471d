// Softmax and erf GELU, 8 lanes at a time: see activations.h.
#include "activations.h"
#include "lanes.h"

#include <immintrin.h>
#include <math.h>

// e^x (Cephes' expf: range reduction by ln 2, degree-6 polynomial, scale by 2^n through the
// exponent bits); within 2 ulp of expf, 0 below -87.33.
__attribute__((target("avx2,fma"))) static inline __m256 exp8(__m256 value) {
    const __m256 low = _mm256_set1_ps(-87.33f);
    __m256 x = _mm256_min_ps(_mm256_max_ps(value, low), _mm256_set1_ps(88.37f));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fmadd_ps(n, _mm256_set1_ps(2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(_mm256_mul_ps(p, r), r, _mm256_add_ps(r, _mm256_set1_ps(1)));
    __m256i exponent = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    __m256 result = _mm256_mul_ps(p, _mm256_castsi256_ps(exponent));
    return _mm256_andnot_ps(_mm256_cmp_ps(value, low, _CMP_LT_OQ), result);
}

__attribute__((target("avx2,fma"))) void smart_todo_exp8(const float *in, float *out) {
    _mm256_storeu_ps(out, exp8(_mm256_loadu_ps(in)));
}

__attribute__((target("avx2,fma"))) void smart_todo_softmax_row(float *row, int count) {
    const int wide = count & ~7;
    __m256 m8 = _mm256_set1_ps(-INFINITY);
    int i = 0;
    for (; i < wide; i += 8) m8 = _mm256_max_ps(m8, _mm256_loadu_ps(row + i));
    __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(m8), _mm256_extractf128_ps(m8, 1));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    float max = _mm_cvtss_f32(_mm_max_ss(m4, _mm_movehdup_ps(m4)));
    for (; i < count; i++) max = row[i] > max ? row[i] : max;

    const __m256 shift = _mm256_set1_ps(max);
    __m256 s8 = _mm256_setzero_ps();
    for (i = 0; i < wide; i += 8) {
        __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(row + i), shift));
        _mm256_storeu_ps(row + i, e);
        s8 = _mm256_add_ps(s8, e);
    }
    float sum = smart_todo_sum8(s8);
    for (; i < count; i++) { row[i] = expf(row[i] - max); sum += row[i]; }

    const float inv = 1 / sum;
    const __m256 inv8 = _mm256_set1_ps(inv);
    for (i = 0; i < wide; i += 8) _mm256_storeu_ps(row + i, _mm256_mul_ps(_mm256_loadu_ps(row + i), inv8));
    for (; i < count; i++) row[i] *= inv;
}

// erf as a rational function on [-4, 4] (Eigen's generic_fast_erf_float), within a few ulp of erff.
__attribute__((target("avx2,fma"))) static inline __m256 erf8(__m256 value) {
    __m256 x = _mm256_min_ps(_mm256_max_ps(value, _mm256_set1_ps(-4)), _mm256_set1_ps(4));
    __m256 x2 = _mm256_mul_ps(x, x);
    __m256 p = _mm256_set1_ps(-2.72614225801306e-10f);
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(2.77068142495902e-08f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-2.10102402082508e-06f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-5.69250639462346e-05f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-7.34990630326855e-04f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-2.95459980854025e-03f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-1.60960333262415e-02f));
    p = _mm256_mul_ps(p, x);
    __m256 q = _mm256_set1_ps(-1.45660718464996e-05f);
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(-2.13374055278905e-04f));
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(-1.68282697438203e-03f));
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(-7.37332916720468e-03f));
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(-1.42647390514189e-02f));
    return _mm256_div_ps(p, q);
}

__attribute__((target("avx2,fma"))) float smart_todo_erf(float x) {
    return _mm256_cvtss_f32(erf8(_mm256_set1_ps(x)));
}

__attribute__((target("avx2,fma"))) void smart_todo_gelu_erf(float *values, size_t count) {
    const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1), rsqrt2 = _mm256_set1_ps(0.70710678118654752f);
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256 x = _mm256_loadu_ps(values + i);
        __m256 e = erf8(_mm256_mul_ps(x, rsqrt2));
        _mm256_storeu_ps(values + i, _mm256_mul_ps(_mm256_mul_ps(half, x), _mm256_add_ps(one, e)));
    }
    if (i < count) {  // the tail through the same vector path, so every value gets the same function
        float tail[8] = {0};
        for (size_t t = i; t < count; t++) tail[t - i] = values[t];
        __m256 x = _mm256_loadu_ps(tail);
        _mm256_storeu_ps(tail, _mm256_mul_ps(_mm256_mul_ps(half, x), _mm256_add_ps(one, erf8(_mm256_mul_ps(x, rsqrt2)))));
        for (size_t t = i; t < count; t++) values[t] = tail[t - i];
    }
}
