// One attention head over a short sequence without BLAS: see attention.c.
#ifndef SMART_TODO_ATTENTION_H
#define SMART_TODO_ATTENTION_H

/// out[i] = Σ_j softmax_j(scale · q[i]·k[j]) · v[j] for i < queries, j < keys; rows of q, k, v
/// and out are `stride` floats apart and `head_size` long. `causal`: j ≤ i only.
/// `scores`: queries·keys floats of scratch.
void smart_todo_attention_head(const float *q, const float *k, const float *v, float *out, int queries, int keys,
                               int head_size, int stride, float scale, int causal, float *scores);

#endif
