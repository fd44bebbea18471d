// Rows of half-precision floats (IEEE binary16): a search index held in memory at half the
// bytes, so scoring a query against every row, which streams the whole matrix, takes half as long.
#ifndef SMART_TODO_HALF_ROWS_H
#define SMART_TODO_HALF_ROWS_H

#include <stddef.h>
#include <stdint.h>

/// out[r] = Σ_j query[j] · rows[r·k + j] for r in [row_start, row_end), in float32. Needs AVX2, FMA and F16C.
void smart_todo_half_rows_dot(const float *query, const uint16_t *rows, float *out, int k, int row_start, int row_end);

/// halves[i] = values[i] rounded to the nearest binary16, for i < count.
void smart_todo_floats_to_halves(const float *values, uint16_t *halves, size_t count);

/// values[i] = halves[i], for i < count.
void smart_todo_halves_to_floats(const uint16_t *halves, float *values, size_t count);

#endif
