// OpenBLAS is loaded with dlopen on the first matrix product, not linked.
//
// Linked, its constructor starts a pthread pool at process start (before main can say
// otherwise) whose threads spin in sched_yield: ~10 ms on every `todo` command, and a
// core taken from our own parallel loops. The engine keeps OpenBLAS single-threaded and
// splits products itself, so the library is loaded with OPENBLAS_NUM_THREADS=1 (the
// variable is restored afterwards: the engine reads it as a thread setting).
#include "blas.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int);

static sgemm_fn sgemm;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
    const char *previous = getenv("OPENBLAS_NUM_THREADS");
    char *saved = previous ? strdup(previous) : NULL;
    setenv("OPENBLAS_NUM_THREADS", "1", 1);
    const char *names[] = {"libopenblas.so.0", "libopenblas.so"};
    void *handle = NULL;
    for (int i = 0; i < 2 && !handle; i++) handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (saved) { setenv("OPENBLAS_NUM_THREADS", saved, 1); free(saved); } else { unsetenv("OPENBLAS_NUM_THREADS"); }
    if (!handle) {
        fprintf(stderr, "Smart TODO needs OpenBLAS: %s. Install it with `apt-get install libopenblas-dev`.\n", dlerror());
        exit(70);
    }
    sgemm = (sgemm_fn)dlsym(handle, "cblas_sgemm");
    if (!sgemm) {
        fprintf(stderr, "The OpenBLAS library has no cblas_sgemm: %s\n", dlerror());
        exit(70);
    }
}

void smart_todo_sgemm(enum SmartTodoBLASTranspose transA, enum SmartTodoBLASTranspose transB,
                      int m, int n, int k, float alpha, const float *a, int lda,
                      const float *b, int ldb, float beta, float *c, int ldc) {
    pthread_once(&once, load);
    sgemm(SmartTodoBLASRowMajor, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
