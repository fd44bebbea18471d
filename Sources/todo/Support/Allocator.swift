import AllocatorTuning

/// How `todo` has the C allocator behave (set as the program loads, see allocator_tuning.h).
enum Allocator {
    /// glibc gives each thread that allocates its own heap, grown a page at a time with an
    /// `mprotect` call per page: a fresh `todo add`, whose work runs on a thread of Swift's pool,
    /// made about a thousand of them (and as many page faults) building arrays of megabytes (the
    /// banks' vectors, the model's activations). The main heap grows with `brk` in steps of the
    /// pad: 16 MB takes a handful. Small allocations are served by glibc's per-thread caches
    /// without the heap's lock, so the threads of `todo serve` do not queue for one heap.
    static var onePaddedHeap: Bool { smart_todo_one_padded_heap() != 0 }
}
