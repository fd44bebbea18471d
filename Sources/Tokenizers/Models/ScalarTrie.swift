/// A trie over Unicode scalars mapping strings to ids, for WordPiece's
/// longest-match-first search in time linear in the word.
struct ScalarTrie: Sendable {
    /// Child of (node, scalar), keyed `node << 32 | scalar`.
    private var children: [UInt64: Int32] = [:]
    /// Direct children of the root for ASCII, the common first step.
    private var asciiRoot = [Int32](repeating: -1, count: 128)
    private var terminal: [Int32] = [-1]

    /// Room for about `edges` edges, so building never rehashes.
    init(reservingEdges edges: Int = 0) {
        children.reserveCapacity(edges)
        terminal.reserveCapacity(edges + 1)
    }

    mutating func insert<S: Sequence>(_ scalars: S, id: Int) where S.Element == UInt32 {
        var node: Int32 = 0
        for c in scalars {
            if let next = child(node, c) {
                node = next
            } else {
                let next = Int32(terminal.count)
                terminal.append(-1)
                if node == 0 && c < 128 { asciiRoot[Int(c)] = next } else { children[UInt64(UInt32(node)) << 32 | UInt64(c)] = next }
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
        return children[UInt64(UInt32(node)) << 32 | UInt64(c)]
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
