/// A pending BPE merge: merge the symbol at `position` with its right neighbour
/// into `newId`. Ordered by rank, then position, as tokenizers' `word.rs` orders its heap.
struct PendingMerge {
    var rank: Int32
    var position: Int32
    var newId: Int32

    @inline(__always)
    func precedes(_ other: PendingMerge) -> Bool {
        rank != other.rank ? rank < other.rank : position < other.position
    }
}

/// A binary min-heap of pending merges.
struct MergeQueue {
    private var heap: [PendingMerge] = []

    init(capacity: Int) { heap.reserveCapacity(capacity) }

    var isEmpty: Bool { heap.isEmpty }

    mutating func push(_ m: PendingMerge) {
        heap.append(m)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard heap[i].precedes(heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> PendingMerge? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var smallest = i
                if l < heap.count && heap[l].precedes(heap[smallest]) { smallest = l }
                if r < heap.count && heap[r].precedes(heap[smallest]) { smallest = r }
                if smallest == i { break }
                heap.swapAt(i, smallest)
                i = smallest
            }
        }
        return top
    }
}
