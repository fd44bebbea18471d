#include "allocator_tuning.h"
#include <stdlib.h>  // defines __GLIBC__ on glibc

static int tuned = 0;

#if defined(__GLIBC__)
#include <malloc.h>

__attribute__((constructor)) static void tune(void) {
    tuned = mallopt(M_ARENA_MAX, 1) && mallopt(M_TOP_PAD, 16 << 20);
}
#endif

int smart_todo_one_padded_heap(void) { return tuned; }
