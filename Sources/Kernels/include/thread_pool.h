// The engine's worker threads: one parallel loop at a time, the caller taking part.
#ifndef SMART_TODO_THREAD_POOL_H
#define SMART_TODO_THREAD_POOL_H

typedef void (*smart_todo_task)(void *context, int index);

/// Runs task(context, i) for every i in [0, count) on up to `threads` threads (the caller is
/// one of them) and returns when all are done. Workers are started on first use and spin
/// briefly between loops — a layer's products follow each other within microseconds — then
/// sleep; a nested or concurrent call runs on the calling thread alone.
void smart_todo_parallel_for(int count, int threads, smart_todo_task task, void *context);

#endif
