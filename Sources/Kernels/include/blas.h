// OpenBLAS's sgemm, loaded on first use (see blas.c for why not at link time).
#ifndef SMART_TODO_BLAS_H
#define SMART_TODO_BLAS_H

#include "activations.h"  // this header is the module's umbrella
#include "attention.h"
#include "few_rows.h"
#include "half_rows.h"
#include "thread_pool.h"

enum SmartTodoBLASLayout { SmartTodoBLASRowMajor = 101 };
enum SmartTodoBLASTranspose { SmartTodoBLASNoTrans = 111, SmartTodoBLASTrans = 112 };

/// cblas_sgemm with the row-major layout: C = alpha · op(A) · op(B) + beta · C.
void smart_todo_sgemm(enum SmartTodoBLASTranspose transA, enum SmartTodoBLASTranspose transB,
                      int m, int n, int k, float alpha, const float *a, int lda,
                      const float *b, int ldb, float beta, float *c, int ldc);

#endif
