import AllocatorTuning

/// How `todo` has the C allocator behave (set as the program loads, see allocator_tuning.h).
enum Allocator {
    /// glibc gives each thread that allocates its own heap, grown a page at a time with an
    /// `mprotect` call per page: a fresh `todo add`, whose work runs on a thread of Swift's pool,
    /// made about a thousand of them (and as many page faults) building arrays of megabytes (the
    /// banks' vectors, the model's activations). The main heap grows with `brk` in steps of the
    /// pad: 16 MB takes a handful. `todo serve` and `todo worker` keep glibc's heap per thread:
    /// their threads allocate at once, they start once, and with one heap `todo bench --only
    /// serve` read 10–15 % slower at 16 and 64 connections in two runs (within this host's
    /// noise, but nothing there to gain).
    static var onePaddedHeap: Bool { smart_todo_one_padded_heap() != 0 }
}
