import AllocatorTuning
import Testing

/// `todo` links AllocatorTuning, whose constructor sets glibc's allocator up before any thread
/// exists (one heap, grown in 16 MB steps): a fresh `todo add` made a thousand `mprotect` calls
/// without it. This test process links the same target, so the constructor ran here too.
@Suite struct AllocatorTuningTests {
    @Test func theSettingsTookBeforeMain() {
        #expect(smart_todo_one_padded_heap() == 1, "mallopt refused M_ARENA_MAX or M_TOP_PAD, or the constructor did not run")
    }
}
