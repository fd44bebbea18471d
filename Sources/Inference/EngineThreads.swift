import Kernels
import Synchronization

/// The engine's thread count, set once per process by `ThreadSetting.apply`, and its parallel loop.
enum EngineThreads {
    private static let value = Atomic<Int>(1)

    static var count: Int { value.load(ordering: .relaxed) }

    static func set(_ n: Int) { value.store(max(1, n), ordering: .relaxed) }

    /// Element-wise loops (GELU, layer norm) split only when every lane gets at least this
    /// many values: below it, waking a lane costs more than it saves.
    static let elementsPerLane = 1 << 15

    /// Lanes for an element-wise loop over `count` values: at most `limit` (default the setting).
    static func lanes(forElements count: Int, at limit: Int? = nil) -> Int {
        min(limit ?? self.count, max(1, count / elementsPerLane))
    }

    /// Runs `body(i)` for every `i` in `0..<iterations` on the engine's threads (the caller
    /// included; Sources/Kernels/thread_pool.c) and returns when all have run.
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
