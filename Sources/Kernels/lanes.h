// Helpers the C kernels share (private to this target).
#ifndef SMART_TODO_LANES_H
#define SMART_TODO_LANES_H

#include <immintrin.h>

/// The sum of a vector's 8 lanes.
__attribute__((target("avx2,fma"))) static inline float smart_todo_sum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}

#endif
