import Synchronization

/// The engine's thread count, set once per process by `ThreadSetting.apply`.
enum EngineThreads {
    private static let value = Atomic<Int>(1)

    static var count: Int { value.load(ordering: .relaxed) }

    static func set(_ n: Int) { value.store(max(1, n), ordering: .relaxed) }
}
