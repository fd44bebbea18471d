/// The GPT-2 split pattern, matched by hand instead of by a regex engine:
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// Alternatives are tried in order at each position, as a backtracking engine
/// does; `\p{L}`, `\p{N}` and `\s` use the reference classes.
enum GPT2SplitPattern {
    private enum Kind { case letter, number, space, other }

    @inline(__always)
    private static func kind(_ c: UInt32) -> Kind {
        if c < 0x80 {
            if (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) { return .letter }
            if c >= 0x30 && c <= 0x39 { return .number }
            if c == 0x20 || (c >= 0x09 && c <= 0x0D) { return .space }
            return .other
        }
        if CharacterClasses.regexLetter.contains(c) { return .letter }
        if CharacterClasses.regexNumber.contains(c) { return .number }
        if CharacterClasses.regexSpace.contains(c) { return .space }
        return .other
    }

    /// Splits `scalars` into consecutive pieces covering all of it.
    static func split(_ units: [TextUnit]) -> [Range<Int>] {
        let n = units.count
        var kinds: [Kind] = []
        kinds.reserveCapacity(n)
        for u in units { kinds.append(kind(u.scalar)) }
        var pieces: [Range<Int>] = []
        pieces.reserveCapacity(n / 3)
        var i = 0
        while i < n {
            let end = matchEnd(at: i, units, kinds)
            pieces.append(i..<end)
            i = end
        }
        return pieces
    }

    private static func matchEnd(at i: Int, _ units: [TextUnit], _ kinds: [Kind]) -> Int {
        let n = units.count
        // Contractions: 's 't 'm 'd 're 've 'll (case-sensitive).
        if units[i].scalar == 0x27, i + 1 < n {
            let a = units[i + 1].scalar
            if a == 0x73 || a == 0x74 || a == 0x6D || a == 0x64 { return i + 2 }
            if i + 2 < n {
                let b = units[i + 2].scalar
                if (a == 0x72 && b == 0x65) || (a == 0x76 && b == 0x65) || (a == 0x6C && b == 0x6C) { return i + 3 }
            }
        }
        // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: an optional U+0020, then a run.
        var j = i
        if units[i].scalar == 0x20, i + 1 < n, kinds[i + 1] != .space { j = i + 1 }
        let k = kinds[j]
        if k != .space {
            var e = j + 1
            while e < n && kinds[e] == k { e += 1 }
            return e
        }
        // `\s+(?!\S)`: a whitespace run, less its last character when a
        // non-space follows; else `\s+` takes the single character.
        var e = i + 1
        while e < n && kinds[e] == .space { e += 1 }
        if e == n { return e }
        return e - 1 > i ? e - 1 : e
    }
}
