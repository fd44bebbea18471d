/// What a long-running process keeps per key while it is used: at most `capacity` entries, none
/// idle longer than `maxIdle` — the least recently used go first. (A replica holds a search
/// index per account that searched; without a bound, every account that ever searched would
/// stay in its memory.)
struct RecentlyUsed<Key: Hashable, Value> {
    let capacity: Int
    let maxIdle: Duration
    private var entries: [Key: (value: Value, used: ContinuousClock.Instant)] = [:]

    init(capacity: Int, maxIdle: Duration) {
        precondition(capacity > 0, "a cache that keeps nothing")
        self.capacity = capacity
        self.maxIdle = maxIdle
    }

    var count: Int { entries.count }

    /// The entry of `key`, made by `make` when absent, marked used `now`; entries idle too long,
    /// and the least recently used beyond the capacity, are let go.
    mutating func use(_ key: Key, now: ContinuousClock.Instant = .now, make: () -> Value) -> Value {
        entries = entries.filter { $0.key == key || now - $0.value.used <= maxIdle }
        let value = entries[key]?.value ?? make()
        entries[key] = (value, now)
        if entries.count > capacity, let oldest = entries.min(by: { $0.value.used < $1.value.used })?.key {
            entries[oldest] = nil
        }
        return value
    }

    /// The entry of `key` if kept, without marking it used.
    func peek(_ key: Key) -> Value? { entries[key]?.value }

    mutating func removeAll() { entries = [:] }
}
