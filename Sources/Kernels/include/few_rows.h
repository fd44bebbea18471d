// The few-rows product: c[m×n] = a[m×k] · bᵀ (+ c) with b stored [n×k] (a weight as Hugging Face stores it).
#ifndef SMART_TODO_FEW_ROWS_H
#define SMART_TODO_FEW_ROWS_H

/// Computes output columns [column_start, column_end) only, so threads can split a product.
/// `accumulate` adds to c instead of overwriting it. Needs AVX2 and FMA.
void smart_todo_few_rows_gemm(const float *a, const float *b, float *c, int m, int n, int k,
                              int column_start, int column_end, int accumulate);

#endif
