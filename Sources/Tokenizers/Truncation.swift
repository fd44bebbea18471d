/// How to shorten encodings to a maximum length (tokenizers' `utils/truncation.rs`).
/// Nothing is lost silently: the cut tokens stay in `Encoding.overflowing`.
public struct Truncation: Sendable, Equatable {
    public enum Strategy: String, Sendable, CaseIterable {
        case longestFirst = "longest_first", onlyFirst = "only_first", onlySecond = "only_second"
    }

    /// Maximum total length, special tokens included.
    public var maxLength: Int
    public var strategy: Strategy
    /// Tokens repeated at the start of each overflowing part from the end of the previous one.
    public var stride: Int

    public init(maxLength: Int, strategy: Strategy = .longestFirst, stride: Int = 0) {
        self.maxLength = maxLength
        self.strategy = strategy
        self.stride = stride
    }

    /// Truncates content encodings `a` and `b` (before special tokens) to leave
    /// room for `added` special tokens.
    func apply(_ a: inout Encoding, _ b: inout Encoding?, added: Int) throws {
        let maxLength = max(0, self.maxLength - added)
        let total = a.count + (b?.count ?? 0)
        guard total > maxLength else { return }
        let toRemove = total - maxLength
        switch strategy {
        case .longestFirst:
            guard var second = b else {
                try Self.truncate(&a, to: a.count - toRemove, stride: stride)
                return
            }
            // tokenizers' three cases, with n1 the shorter input.
            var n1 = a.count, n2 = second.count
            let swapped = n1 > n2
            if swapped { swap(&n1, &n2) }
            n2 = n1 > maxLength ? n1 : max(n1, maxLength - n1)
            if n1 + n2 > maxLength {
                n1 = maxLength / 2
                n2 = n1 + maxLength % 2
            }
            if swapped { swap(&n1, &n2) }
            try Self.truncate(&a, to: n1, stride: stride)
            try Self.truncate(&second, to: n2, stride: stride)
            b = second
        case .onlyFirst, .onlySecond:
            let first = strategy == .onlyFirst
            let target = first ? a.count : (b?.count ?? 0)
            guard target > toRemove, first || b != nil else {
                throw TokenizerError.invalidTruncation(
                    "the \(first ? "first" : "second") sequence (\(target) tokens) is too short to remove \(toRemove) tokens and respect max length \(self.maxLength)")
            }
            if first { try Self.truncate(&a, to: target - toRemove, stride: stride) } else { try Self.truncate(&b!, to: target - toRemove, stride: stride) }
        }
    }

    /// Keeps the first `length` tokens; the rest, in parts of `length` tokens that
    /// overlap by `stride`, go to `overflowing`.
    static func truncate(_ e: inout Encoding, to length: Int, stride: Int) throws {
        guard length < e.count else { return }
        if length == 0 {
            var empty = Encoding()
            empty.overflowing = [e]
            empty.truncatedTokenCount = e.count
            e = empty
            return
        }
        guard stride < length else {
            throw TokenizerError.invalidTruncation("stride \(stride) must be smaller than the truncated length \(length)")
        }
        let parts = TokenWindows.ranges(count: e.count, width: length, step: length - stride)
        let dropped = e.count - length
        var kept = e.slice(parts[0])
        kept.overflowing = parts.dropFirst().map { e.slice($0) }
        kept.truncatedTokenCount = dropped
        e = kept
    }
}

/// How to pad a batch (tokenizers' `utils/padding.rs`), always on the right.
public struct Padding: Sendable, Equatable {
    public enum Length: Sendable, Equatable {
        case longest
        case fixed(Int)
    }

    public var length: Length
    public var padToMultipleOf: Int?
    public var padId: Int
    public var padTypeId: Int
    public var padToken: String

    public init(length: Length = .longest, padToMultipleOf: Int? = nil, padId: Int, padTypeId: Int = 0, padToken: String) {
        self.length = length
        self.padToMultipleOf = padToMultipleOf
        self.padId = padId
        self.padTypeId = padTypeId
        self.padToken = padToken
    }

    /// Pads every encoding to the target length; never shortens one.
    func apply(_ batch: inout [Encoding]) {
        var target: Int
        switch length {
        case .longest: target = batch.map(\.count).max() ?? 0
        case .fixed(let n): target = n
        }
        if let m = padToMultipleOf, m > 0, target % m != 0 { target += m - target % m }
        for i in batch.indices {
            while batch[i].count < target {
                batch[i].append(id: padId, token: padToken, typeId: padTypeId, offset: TokenOffset(start: 0, end: 0), special: true, sequence: nil)
                batch[i].attentionMask[batch[i].count - 1] = 0
            }
        }
    }
}
