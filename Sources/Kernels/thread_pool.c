// A small spinning thread pool for the engine's parallel loops.
//
// libdispatch's concurrentPerform wakes a sleeping worker for every loop: ~50 µs each time,
// and a short sentence's forward pass is ~40 loops of ~100 µs, so the second core barely
// helped. Here workers spin for a few milliseconds after each loop (then sleep on a condition
// variable), so consecutive loops start at once; unlike OpenBLAS's pool they never spin while
// the process is doing something else for long.
#include "thread_pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#define MAX_WORKERS 63
#define SPIN_NS 3000000  // 3 ms

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;   // guards the sleepers and worker start-up
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static atomic_flag busy = ATOMIC_FLAG_INIT;                 // one loop at a time
static int workers;                                         // started so far (under lock)

// The current loop. `claim` packs the generation (high 32 bits) with the next index (low 32):
// a worker can only take an index of the generation whose task it read.
static _Atomic uint64_t claim;
static _Atomic uint32_t generation;
static _Atomic int done;
static _Atomic int wanted;       // workers allowed to join this loop
static smart_todo_task current_task;
static void *current_context;
static int current_count;

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static inline void pause_cpu(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/// Takes and runs indices of generation `g` until none are left.
static void work(uint32_t g, smart_todo_task task, void *context, int count) {
    for (;;) {
        uint64_t v = atomic_load_explicit(&claim, memory_order_acquire);
        if ((uint32_t)(v >> 32) != g || (int)(uint32_t)v >= count) return;
        if (!atomic_compare_exchange_weak_explicit(&claim, &v, v + 1, memory_order_acq_rel, memory_order_relaxed)) continue;
        task(context, (int)(uint32_t)v);
        atomic_fetch_add_explicit(&done, 1, memory_order_release);
    }
}

static void *worker_main(void *arg) {
    int id = (int)(intptr_t)arg;
    uint32_t seen = atomic_load_explicit(&generation, memory_order_acquire);
    for (;;) {
        uint64_t spin_start = now_ns();
        uint32_t g;
        unsigned spins = 0;
        while ((g = atomic_load_explicit(&generation, memory_order_acquire)) == seen) {
            pause_cpu();
            if (++spins % 1024 == 0 && now_ns() - spin_start > SPIN_NS) {
                pthread_mutex_lock(&lock);
                while ((g = atomic_load_explicit(&generation, memory_order_acquire)) == seen) pthread_cond_wait(&wake, &lock);
                pthread_mutex_unlock(&lock);
                break;
            }
        }
        seen = g;
        if (id >= atomic_load_explicit(&wanted, memory_order_acquire)) continue;
        // Published before the generation moved (release/acquire on `generation`).
        work(g, current_task, current_context, current_count);
    }
    return 0;
}

void smart_todo_parallel_for(int count, int threads, smart_todo_task task, void *context) {
    if (count <= 0) return;
    if (threads > MAX_WORKERS + 1) threads = MAX_WORKERS + 1;
    if (threads <= 1 || count == 1 || atomic_flag_test_and_set_explicit(&busy, memory_order_acquire)) {
        for (int i = 0; i < count; i++) task(context, i);
        return;
    }
    int helpers = (threads < count ? threads : count) - 1;
    pthread_mutex_lock(&lock);
    while (workers < helpers) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&t, &attr, worker_main, (void *)(intptr_t)workers);
        pthread_attr_destroy(&attr);
        if (failed) break;
        workers++;
    }
    if (helpers > workers) helpers = workers;
    current_task = task;
    current_context = context;
    current_count = count;
    atomic_store_explicit(&done, 0, memory_order_relaxed);
    atomic_store_explicit(&wanted, helpers, memory_order_relaxed);
    uint32_t g = atomic_load_explicit(&generation, memory_order_relaxed) + 1;
    atomic_store_explicit(&claim, (uint64_t)g << 32, memory_order_relaxed);
    atomic_store_explicit(&generation, g, memory_order_release);
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&lock);

    work(g, task, context, count);
    while (atomic_load_explicit(&done, memory_order_acquire) < count) pause_cpu();
    atomic_flag_clear_explicit(&busy, memory_order_release);
}
