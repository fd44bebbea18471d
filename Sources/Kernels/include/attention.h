// One attention head over a short sequence without BLAS: see attention.c.
#ifndef SMART_TODO_ATTENTION_H
#define SMART_TODO_ATTENTION_H

/// out[i] = Σ_j softmax_j(scale · q[i]·k[j] + bias[i·bias_stride + j]) · v[j] for i < queries, j < keys;
/// rows of q, k, v and out are `stride` floats apart and `head_size` long. `causal`: j ≤ i only.
/// `bias`: NULL for none (BERT), else an additive score bias (MPNet's relative positions).
/// `scores`: queries·keys floats of scratch.
void smart_todo_attention_head(const float *q, const float *k, const float *v, float *out, int queries, int keys,
                               int head_size, int stride, float scale, int causal, const float *bias, int bias_stride,
                               float *scores);

#endif
