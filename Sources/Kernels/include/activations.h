// Element-wise kernels of the encoder that Swift compiled poorly (blend chains instead of
// vmaxps, constants reloaded per vector, a scalar erf division): softmax rows and erf GELU.
#ifndef SMART_TODO_ACTIVATIONS_H
#define SMART_TODO_ACTIVATIONS_H

#include <stddef.h>

/// Softmax of `count` values in place, max-subtracted (no overflow for huge logits).
void smart_todo_softmax_row(float *row, int count);

/// x ← 0.5·x·(1 + erf(x/√2)) for `count` values (the exact GELU of BERT's "gelu").
void smart_todo_gelu_erf(float *values, size_t count);

/// e^x of 8 lanes (exposed for its accuracy test).
void smart_todo_exp8(const float *in, float *out);

/// erf of one value through the vector path (exposed for its accuracy test).
float smart_todo_erf(float x);

#endif
