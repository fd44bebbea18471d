import Synchronization

/// Byte-pair encoding (tokenizers' `models/bpe`): every character of a word
/// starts as a symbol; merges apply lowest rank first (leftmost among equals)
/// until none applies, in O(n log n) with a heap and a linked list of symbols.
final class BytePairEncoding: TokenModel {
    let vocabulary: Vocabulary
    /// `vocabulary.ids`, held directly: encoding looks words up in it.
    private let ids: [String: Int]
    /// (left id, right id) → (rank, merged id), keyed `left << 32 | right`.
    private let merges: [UInt64: (rank: Int32, id: Int32)]
    private let idOfCharacter: [UInt32: Int32]
    private let unknownId: Int32?
    private let fuseUnknown: Bool
    private let ignoreMerges: Bool
    private let cache = Mutex(WordCache())

    /// Repeated words skip the merge loop; bounded so memory never grows without limit.
    struct WordCache {
        static let capacity = 10_000
        static let maxWordLength = 256
        var entries: [[UInt32]: [WordToken]] = [:]
    }

    init(vocabulary: Vocabulary, merges: [(String, String)], unknownToken: String?, fuseUnknown: Bool,
         ignoreMerges: Bool, source: String, mergeLineNumbers: [Int]? = nil) throws {
        self.vocabulary = vocabulary
        let ids = vocabulary.ids
        self.ids = ids
        var table: [UInt64: (rank: Int32, id: Int32)] = [:]
        table.reserveCapacity(merges.count)
        for (rank, (a, b)) in merges.enumerated() {
            let line = mergeLineNumbers?[rank] ?? rank + 1
            guard let left = ids[a] else { throw TokenizerError.mergeTokenNotInVocabulary(path: source, line: line, token: a) }
            guard let right = ids[b] else { throw TokenizerError.mergeTokenNotInVocabulary(path: source, line: line, token: b) }
            guard let merged = ids[a + b] else { throw TokenizerError.mergeResultNotInVocabulary(path: source, line: line, token: a + b) }
            let key = UInt64(UInt32(left)) << 32 | UInt64(UInt32(right))
            if table[key] == nil { table[key] = (Int32(rank), Int32(merged)) }
        }
        self.merges = table
        var chars: [UInt32: Int32] = [:]
        for (token, id) in ids {
            let scalars = token.unicodeScalars
            if scalars.count == 1, let c = scalars.first { chars[c.value] = Int32(id) }
        }
        self.idOfCharacter = chars
        if let unk = unknownToken {
            guard let id = ids[unk] else { throw TokenizerError.unknownTokenNotInVocabulary(path: source, token: unk) }
            self.unknownId = Int32(id)
        } else {
            self.unknownId = nil
        }
        self.fuseUnknown = fuseUnknown
        self.ignoreMerges = ignoreMerges
    }

    /// Words currently cached (never more than `WordCache.capacity`).
    var cachedWordCount: Int { cache.withLock { $0.entries.count } }

    func tokenize(_ word: ArraySlice<TextUnit>, into tokens: inout [WordToken]) {
        guard !word.isEmpty else { return }
        let key = word.count <= WordCache.maxWordLength ? word.map(\.scalar) : nil
        if let key, let hit = cache.withLock({ $0.entries[key] }) {
            tokens += hit
            return
        }
        let result = encodeWord(word)
        if let key {
            cache.withLock { cache in
                if cache.entries.count < WordCache.capacity { cache.entries[key] = result }
            }
        }
        tokens += result
    }

    private struct Symbol {
        var id: Int32
        var prev: Int32
        var next: Int32
        var start: Int32
        var end: Int32  // end == start marks a symbol merged into its left neighbour
    }

    private func encodeWord(_ word: ArraySlice<TextUnit>) -> [WordToken] {
        if ignoreMerges {
            let text = String(String.UnicodeScalarView(word.compactMap { Unicode.Scalar($0.scalar) }))
            if let id = ids[text] { return [WordToken(id: Int32(id), start: 0, end: Int32(word.count))] }
        }
        // Initial symbols, one per character; unknown characters become (possibly fused) unknown tokens.
        var symbols: [Symbol] = []
        symbols.reserveCapacity(word.count)
        for (offset, unit) in word.enumerated() {
            let start = Int32(offset)
            if let id = idOfCharacter[unit.scalar] {
                symbols.append(Symbol(id: id, prev: Int32(symbols.count) - 1, next: -1, start: start, end: start + 1))
            } else if let unk = unknownId {
                if fuseUnknown, let last = symbols.last, last.id == unk, last.end == start {
                    symbols[symbols.count - 1].end = start + 1
                    continue
                }
                symbols.append(Symbol(id: unk, prev: Int32(symbols.count) - 1, next: -1, start: start, end: start + 1))
            } else {
                continue  // no unknown token configured: the character is dropped, as in tokenizers
            }
            if symbols.count > 1 { symbols[symbols.count - 2].next = Int32(symbols.count - 1) }
        }
        // The symbols' prev/next skip dropped characters only through the append order above.
        var queue = MergeQueue(capacity: symbols.count)
        for i in 0..<max(0, symbols.count - 1) {
            if let m = merge(symbols[i].id, symbols[i + 1].id) {
                queue.push(PendingMerge(rank: m.rank, position: Int32(i), newId: m.id))
            }
        }
        while let top = queue.pop() {
            let pos = Int(top.position)
            let left = symbols[pos]
            if left.end == left.start || left.next < 0 { continue }
            let nextPos = Int(left.next)
            let right = symbols[nextPos]
            // Skip queue entries made stale by earlier merges.
            guard let m = merge(left.id, right.id), m.id == top.newId else { continue }
            symbols[pos].id = m.id
            symbols[pos].end = right.end
            symbols[pos].next = right.next
            symbols[nextPos].end = symbols[nextPos].start
            if right.next >= 0 { symbols[Int(right.next)].prev = Int32(pos) }
            let current = symbols[pos]
            if current.prev >= 0, let pm = merge(symbols[Int(current.prev)].id, current.id) {
                queue.push(PendingMerge(rank: pm.rank, position: current.prev, newId: pm.id))
            }
            if current.next >= 0, let nm = merge(current.id, symbols[Int(current.next)].id) {
                queue.push(PendingMerge(rank: nm.rank, position: Int32(pos), newId: nm.id))
            }
        }
        var out: [WordToken] = []
        out.reserveCapacity(symbols.count)
        for s in symbols where s.end != s.start { out.append(WordToken(id: s.id, start: s.start, end: s.end)) }
        return out
    }

    @inline(__always)
    private func merge(_ a: Int32, _ b: Int32) -> (rank: Int32, id: Int32)? {
        merges[UInt64(UInt32(a)) << 32 | UInt64(UInt32(b))]
    }
}
