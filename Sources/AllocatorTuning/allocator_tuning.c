#include "allocator_tuning.h"
#include <stdlib.h>  // defines __GLIBC__ on glibc
#include <string.h>

static int tuned = 0;

int smart_todo_one_heap_suits(int argc, const char *const *argv) {
    if (argc < 2 || argv[1] == NULL) return 1;
    return strcmp(argv[1], "serve") != 0 && strcmp(argv[1], "worker") != 0;
}

#if defined(__GLIBC__)
#include <malloc.h>

// glibc passes a constructor the program's arguments.
__attribute__((constructor)) static void tune(int argc, char **argv, char **envp) {
    (void)envp;
    if (!smart_todo_one_heap_suits(argc, (const char *const *)argv)) return;
    tuned = mallopt(M_ARENA_MAX, 1) && mallopt(M_TOP_PAD, 16 << 20);
}
#endif

int smart_todo_one_padded_heap(void) { return tuned; }
