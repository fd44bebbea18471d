import Synchronization

/// What a short command leaves for the process's exit to free: a loaded model's weights (~90 MB)
/// and the banks' thousands of vectors, handed back piece by piece, cost a fresh `todo add`
/// ~5–10 ms after its answer. Only what holds no store: a store must still close and settle.
enum KeptToExit {
    private static let kept = Mutex<[any AnyObject & Sendable]>([])

    static func keep(_ object: any AnyObject & Sendable) {
        kept.withLock { $0.append(object) }
    }
}
