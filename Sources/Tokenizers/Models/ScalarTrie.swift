/// A trie over Unicode scalars mapping strings to ids, for WordPiece's
/// longest-match-first search in time linear in the word.
struct ScalarTrie: Sendable {
    /// Child of (node, scalar), keyed `node << 32 | scalar`.
    private var children = EdgeTable()
    /// Direct children of the root for ASCII, the common first step.
    private var asciiRoot = [Int32](repeating: -1, count: 128)
    private var terminal: [Int32] = [-1]

    /// Room for about `edges` edges, so building never rehashes.
    init(reservingEdges edges: Int = 0) {
        children = EdgeTable(reserving: edges)
        terminal.reserveCapacity(edges + 1)
    }

    /// The arrays a trie is made of, for `WordPieceCache`.
    struct Storage: Equatable {
        var asciiRoot: [Int32]
        var terminal: [Int32]
        var edgeKeys: [UInt64]
        var edgeValues: [Int32]
        var edgeCount: Int
    }

    /// The arrays, with the edge table rehashed to the smallest size that keeps it at most half
    /// full (building reserves room for a vocabulary's worth of edges; most of it stays empty).
    var storage: Storage {
        let table = children.compacted()
        return Storage(asciiRoot: asciiRoot, terminal: terminal, edgeKeys: table.keys, edgeValues: table.values, edgeCount: table.count)
    }

    /// A trie from stored arrays, checked so that no stored index can point outside them
    /// (a damaged cache must not crash tokenization): nil when they do not fit together.
    init?(_ s: Storage, tokenCount: Int) {
        let nodes = Int32(s.terminal.count)
        // The edge table checks its own shape; here, that every node index stays inside the trie.
        guard s.asciiRoot.count == 128, nodes >= 1, let table = EdgeTable(keys: s.edgeKeys, values: s.edgeValues, count: s.edgeCount),
              s.asciiRoot.allSatisfy({ $0 >= -1 && $0 < nodes }), s.edgeValues.allSatisfy({ $0 >= -1 && $0 < nodes }),
              s.terminal.allSatisfy({ $0 >= -1 && $0 < Int32(clamping: tokenCount) })
        else { return nil }
        asciiRoot = s.asciiRoot
        terminal = s.terminal
        children = table
    }

    mutating func insert<S: Sequence>(_ scalars: S, id: Int) where S.Element == UInt32 {
        var node: Int32 = 0
        for c in scalars {
            if let next = child(node, c) {
                node = next
            } else {
                let next = Int32(terminal.count)
                terminal.append(-1)
                if node == 0 && c < 128 { asciiRoot[Int(c)] = next } else { children.insert(UInt64(UInt32(node)) << 32 | UInt64(c), next) }
                node = next
            }
        }
        terminal[Int(node)] = Int32(id)
    }

    @inline(__always)
    private func child(_ node: Int32, _ c: UInt32) -> Int32? {
        if node == 0 && c < 128 {
            let n = asciiRoot[Int(c)]
            return n < 0 ? nil : n
        }
        return children.value(UInt64(UInt32(node)) << 32 | UInt64(c))
    }

    /// The longest prefix of `units[from...]` that is a key: (end index, id).
    @inline(__always)
    func longestMatch(_ units: ArraySlice<TextUnit>, from: Int) -> (end: Int, id: Int32)? {
        var node: Int32 = 0
        var best: (Int, Int32)? = nil
        var i = from
        while i < units.endIndex, let next = child(node, units[i].scalar) {
            node = next
            i += 1
            let id = terminal[Int(node)]
            if id >= 0 { best = (i, id) }
        }
        return best
    }
}

/// An open-addressing hash table from edge keys to child nodes. Building a 30,000-word
/// vocabulary inserts ~100,000 edges; with `Dictionary` most of the tokenizer's load time
/// went to SipHash, which a trie keyed by small integers does not need.
struct EdgeTable: Sendable {
    private static let empty = UInt64.max
    private(set) var keys: [UInt64]
    private(set) var values: [Int32]
    private(set) var count = 0

    /// A table from stored arrays; nil unless its size is a power of two, the count matches the keys,
    /// and it is at most half full (a full table would make a missing key's probe loop forever).
    init?(keys: [UInt64], values: [Int32], count: Int) {
        guard keys.count == values.count, keys.count >= 16, keys.count & (keys.count - 1) == 0, count * 2 <= keys.count,
              keys.lazy.filter({ $0 != Self.empty }).count == count else { return nil }
        self.keys = keys
        self.values = values
        self.count = count
    }

    init(reserving capacity: Int = 0) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: Self.empty, count: size)
        values = [Int32](repeating: -1, count: size)
    }

    @inline(__always)
    private func slot(_ key: UInt64, mask: Int) -> Int {
        // Fibonacci hashing: multiply, keep the high bits.
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    @inline(__always)
    func value(_ key: UInt64) -> Int32? {
        let mask = keys.count - 1
        var i = slot(key, mask: mask)
        while true {
            let k = keys[i]
            if k == key { return values[i] }
            if k == Self.empty { return nil }
            i = (i + 1) & mask
        }
    }

    mutating func insert(_ key: UInt64, _ value: Int32) {
        if (count + 1) * 2 > keys.count { grow() }
        let mask = keys.count - 1
        var i = slot(key, mask: mask)
        while keys[i] != Self.empty && keys[i] != key { i = (i + 1) & mask }
        if keys[i] == Self.empty { count += 1 }
        keys[i] = key
        values[i] = value
    }

    func compacted() -> EdgeTable {
        var table = EdgeTable(reserving: count)
        for (k, v) in zip(keys, values) where k != Self.empty { table.insert(k, v) }
        return table
    }

    private mutating func grow() {
        let old = (keys, values)
        keys = [UInt64](repeating: Self.empty, count: old.0.count * 2)
        values = [Int32](repeating: -1, count: old.0.count * 2)
        count = 0
        for (k, v) in zip(old.0, old.1) where k != Self.empty { insert(k, v) }
    }
}
