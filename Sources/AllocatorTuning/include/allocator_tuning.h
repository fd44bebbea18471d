// Allocator settings glibc offers only through mallopt, which Swift's Glibc module does not import.
#ifndef SMART_TODO_ALLOCATOR_TUNING_H
#define SMART_TODO_ALLOCATOR_TUNING_H

/// Whether the settings made as the program loaded took: every thread allocates from the one
/// main heap (glibc's M_ARENA_MAX 1), which grows and shrinks in steps of 16 MB (M_TOP_PAD).
/// They are made by a constructor, before any thread exists: a thread's heap is chosen at its
/// first allocation, and Swift's runtime allocates on its threads before `main` runs. Calling
/// this keeps the constructor linked in. 0 when they were not made (see below), did not take,
/// or the C library is not glibc.
int smart_todo_one_padded_heap(void);

/// Whether a process started with these arguments gets those settings: every command but the
/// long-running services (`todo serve`, `todo worker`), whose many threads allocate at once and
/// keep a heap each, as glibc gives them.
int smart_todo_one_heap_suits(int argc, const char *const *argv);

#endif
