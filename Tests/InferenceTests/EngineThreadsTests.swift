import Foundation
import Synchronization
import Testing
@testable import Inference

/// The engine's parallel loop (Sources/Kernels/thread_pool.c): every index runs exactly once,
/// loop after loop, and nested or concurrent loops still complete (on the calling thread).
@Suite struct EngineThreadsTests {
    final class Counts: @unchecked Sendable {
        let slots: UnsafeMutablePointer<Atomic<Int>>
        let n: Int
        init(_ n: Int) {
            self.n = n
            slots = .allocate(capacity: n)
            for i in 0..<n { (slots + i).initialize(to: Atomic(0)) }
        }
        func add(_ i: Int) { slots[i].add(1, ordering: .relaxed) }
        func all(equal value: Int) -> Bool { (0..<n).allSatisfy { slots[$0].load(ordering: .relaxed) == value } }
        deinit { slots.deinitialize(count: n); slots.deallocate() }
    }

    @Test func everyIndexRunsOnceLoopAfterLoop() {
        for lanes in [1, 2, 4] {
            for size in [1, 2, 3, 17, 500] {
                let counts = Counts(size)
                for _ in 0..<200 { EngineThreads.parallel(size, lanes: lanes) { counts.add($0) } }
                #expect(counts.all(equal: 200), "lanes \(lanes), size \(size)")
            }
        }
    }

    @Test func nestedAndConcurrentLoopsComplete() async {
        let inner = Counts(64)
        EngineThreads.parallel(8, lanes: 2) { i in
            EngineThreads.parallel(8, lanes: 2) { j in inner.add(i * 8 + j) }  // nested: serial
        }
        #expect(inner.all(equal: 1))
        let shared = Counts(100)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask { for _ in 0..<50 { EngineThreads.parallel(100, lanes: 2) { shared.add($0) } } }
            }
        }
        #expect(shared.all(equal: 200))
    }
}
