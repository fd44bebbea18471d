import AllocatorTuning
import Foundation
import TestSupport
import Testing

/// `todo` links AllocatorTuning, whose constructor sets glibc's allocator up before any thread
/// exists (one heap, grown in 16 MB steps): a fresh `todo add` made a thousand `mprotect` calls
/// without it. This test process links the same target, so the constructor ran here too.
@Suite struct AllocatorTuningTests {
    @Test func theSettingsTookBeforeMain() {
        #expect(smart_todo_one_padded_heap() == 1, "mallopt refused M_ARENA_MAX or M_TOP_PAD, or the constructor did not run")
    }

    /// The services keep a heap per thread; every other command, and no command at all, gets one heap.
    @Test func theServicesKeepAHeapPerThread() {
        func suits(_ arguments: [String]) -> Bool {
            let c: [UnsafePointer<CChar>?] = arguments.map { UnsafePointer(strdup($0)) }
            defer { c.forEach { free(UnsafeMutablePointer(mutating: $0)) } }
            return c.withUnsafeBufferPointer { smart_todo_one_heap_suits(Int32(arguments.count), $0.baseAddress) } != 0
        }
        #expect(!suits(["todo", "serve", "--port", "8080"]) && !suits(["todo", "worker"]))
        #expect(suits(["todo", "add", "serve the soup"]) && suits(["todo", "list"]) && suits(["todo"]) && suits(["todo", "services"]))
    }

    /// The rule names the services in C, because it runs before Swift could ask `ServeCommand` and
    /// `WorkerCommand`: a renamed command would silently lose its heap per thread, so the names
    /// must be commands of `todo`.
    @Test func theRuleNamesTheServicesCommands() throws {
        for name in ["serve", "worker"] {
            let run = try TodoCLI().todo([name, "--help"])
            #expect(run.status == 0 && run.out.contains("USAGE: todo \(name)"), "todo \(name) --help: \(run.err)")
        }
    }
}
