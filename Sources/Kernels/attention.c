// Attention of one head over a short sequence, in plain loops. For the few tokens of a task
// title or a search query the two products are tiny, and calling BLAS for them would load
// OpenBLAS (~3 ms of dynamic linking per process) for nothing else.
#include "attention.h"
#include "activations.h"
#include "lanes.h"

#include <immintrin.h>

__attribute__((target("avx2,fma"))) static inline float dot(const float *a, const float *b, int n) {
    __m256 s = _mm256_setzero_ps();
    int t = 0;
    for (; t + 8 <= n; t += 8) s = _mm256_fmadd_ps(_mm256_loadu_ps(a + t), _mm256_loadu_ps(b + t), s);
    float sum = smart_todo_sum8(s);
    for (; t < n; t++) sum += a[t] * b[t];
    return sum;
}

__attribute__((target("avx2,fma")))
void smart_todo_attention_head(const float *q, const float *k, const float *v, float *out, int queries, int n,
                               int head_size, int stride, float scale, int causal, const float *bias, int bias_stride,
                               float *scores) {
    for (int i = 0; i < queries; i++) {
        float *row = scores + (long)i * n;
        const float *qi = q + (long)i * stride;
        // Masked scores are a large finite negative, as in the BLAS path: no row can become NaN.
        if (bias) {
            const float *bi = bias + (long)i * bias_stride;
            for (int j = 0; j < n; j++) row[j] = causal && j > i ? -1e30f : scale * dot(qi, k + (long)j * stride, head_size) + bi[j];
        } else {
            for (int j = 0; j < n; j++) row[j] = causal && j > i ? -1e30f : scale * dot(qi, k + (long)j * stride, head_size);
        }
        smart_todo_softmax_row(row, n);
        float *oi = out + (long)i * stride;
        int t = 0;
        for (; t + 8 <= head_size; t += 8) {
            __m256 acc = _mm256_setzero_ps();
            for (int j = 0; j < n; j++) acc = _mm256_fmadd_ps(_mm256_set1_ps(row[j]), _mm256_loadu_ps(v + (long)j * stride + t), acc);
            _mm256_storeu_ps(oi + t, acc);
        }
        for (; t < head_size; t++) {
            float acc = 0;
            for (int j = 0; j < n; j++) acc += row[j] * v[(long)j * stride + t];
            oi[t] = acc;
        }
    }
}
