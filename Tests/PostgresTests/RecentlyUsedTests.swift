import Testing
@testable import TaskServer

/// The bound on what a replica keeps per account (`RecentlyUsed`, behind `PostgresSearch`).
@Suite struct RecentlyUsedTests {
    @Test func keepsTheMostRecentlyUsedWithinItsCapacity() {
        var kept = RecentlyUsed<Int, String>(capacity: 2, maxIdle: .seconds(60))
        let start = ContinuousClock.now
        var made = 0
        func use(_ key: Int, at seconds: Int) -> String { kept.use(key, now: start + .seconds(seconds)) { made += 1; return "index \(key)" } }
        #expect(use(1, at: 0) == "index 1" && use(2, at: 1) == "index 2" && made == 2)
        #expect(use(1, at: 2) == "index 1" && made == 2, "kept: not made again")
        _ = use(3, at: 3)  // over capacity: 2, the least recently used, goes
        #expect(kept.count == 2 && kept.peek(2) == nil && kept.peek(1) != nil && kept.peek(3) != nil)
    }

    @Test func letsIdleEntriesGo() {
        var kept = RecentlyUsed<Int, Int>(capacity: 10, maxIdle: .seconds(60))
        let start = ContinuousClock.now
        _ = kept.use(1, now: start) { 1 }
        _ = kept.use(2, now: start + .seconds(50)) { 2 }
        _ = kept.use(3, now: start + .seconds(100)) { 3 }  // 1 idle for 100 s: gone; 2 for 50 s: kept
        #expect(kept.peek(1) == nil && kept.peek(2) == 2 && kept.peek(3) == 3)
        #expect(kept.peek(1) == nil, "peeking does not make an entry")
        kept.removeAll()
        #expect(kept.count == 0)
    }
}
