import BLAS
import Synchronization

/// The engine's thread count, set once per process by `ThreadSetting.apply`, and its parallel loop.
enum EngineThreads {
    private static let value = Atomic<Int>(1)

    static var count: Int { value.load(ordering: .relaxed) }

    static func set(_ n: Int) { value.store(max(1, n), ordering: .relaxed) }

    /// Runs `body(i)` for every `i` in `0..<iterations` on the engine's threads (the caller
    /// included; Sources/BLAS/thread_pool.c) and returns when all have run.
    static func parallel(_ iterations: Int, lanes: Int? = nil, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            let box = Unmanaged.passRetained(Body(body))
            defer { box.release() }
            smart_todo_parallel_for(Int32(iterations), Int32(lanes ?? count), { context, index in
                Unmanaged<Body>.fromOpaque(context!).takeUnretainedValue().run(Int(index))
            }, box.toOpaque())
        }
    }

    private final class Body {
        let run: (Int) -> Void
        init(_ run: @escaping (Int) -> Void) { self.run = run }
    }
}
