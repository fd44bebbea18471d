/// Unicode canonical decomposition (NFD) as the reference tokenizers compute it:
/// its decomposition table, Hangul syllables algorithmically, canonical reordering
/// of combining marks, and alignments assigned the way tokenizers'
/// `NormalizedString::transform` does.
///
/// Each output scalar either replaces an input unit (the first scalar of a
/// decomposition) or is inserted after it (the rest). That role travels with the
/// scalar through reordering; alignments are then handed out in order: a
/// replacing scalar takes the next input unit's alignment, an inserted one the
/// alignment of the last input unit consumed. (The fuzz test found both simpler
/// rules wrong, e.g. on U+3039 U+302E U+0746.)
enum CanonicalDecomposition {
    private static let table: [UInt32: Range<Int>] = {
        var map: [UInt32: Range<Int>] = [:]
        let packed = ReferenceUnicodeTables.decompositions
        var i = 0
        while i < packed.count {
            let n = Int(packed[i + 1])
            map[packed[i]] = (i + 2)..<(i + 2 + n)
            i += 2 + n
        }
        return map
    }()

    // Hangul syllable constants (Unicode §3.12).
    private static let sBase: UInt32 = 0xAC00, lBase: UInt32 = 0x1100
    private static let vBase: UInt32 = 0x1161, tBase: UInt32 = 0x11A7
    private static let vCount: UInt32 = 21, tCount: UInt32 = 28, sCount: UInt32 = 11172

    /// NFD of `units`, with alignments as tokenizers assigns them.
    static func decompose(_ units: [TextUnit]) -> [TextUnit] {
        var scalars: [UInt32] = []
        var replaces: [Bool] = []
        scalars.reserveCapacity(units.count + units.count / 8)
        replaces.reserveCapacity(units.count + units.count / 8)
        for unit in units {
            let c = unit.scalar
            if c < 0xC0 {  // nothing below U+00C0 decomposes or combines
                scalars.append(c)
                replaces.append(true)
                continue
            }
            for (k, s) in parts(of: c).enumerated() { append(s, replacing: k == 0, &scalars, &replaces) }
        }
        // Alignments in order: a replacing scalar consumes the next input unit.
        var out: [TextUnit] = []
        out.reserveCapacity(scalars.count)
        var next = 0
        for (s, replacing) in zip(scalars, replaces) {
            if replacing { next += 1 }
            let source = units[max(0, min(next - 1, units.count - 1))]
            out.append(TextUnit(scalar: s, start: source.start, end: source.end))
        }
        return out
    }

    /// The full decomposition of one scalar (itself when it has none).
    private static func parts(of c: UInt32) -> [UInt32] {
        if c >= sBase && c < sBase + sCount {
            let index = c - sBase
            let t = index % tCount
            var out = [lBase + index / (vCount * tCount), vBase + (index % (vCount * tCount)) / tCount]
            if t != 0 { out.append(tBase + t) }
            return out
        }
        guard let range = table[c] else { return [c] }
        return Array(ReferenceUnicodeTables.decompositions[range])
    }

    /// The combining class the reference uses: Swift's value for marks it knows, 0 for
    /// marks newer than its Unicode tables (it treats those as starters and never moves them).
    private static func combiningClass(_ c: UInt32) -> UInt8 {
        guard c >= 0x300, CharacterClasses.combiningMark.contains(c), let s = Unicode.Scalar(c) else { return 0 }
        return s.properties.canonicalCombiningClass.rawValue
    }

    /// Appends `s`, moving it before preceding marks of a higher combining class
    /// (a stable insertion sort, as canonical ordering requires); its role moves with it.
    private static func append(_ s: UInt32, replacing: Bool, _ scalars: inout [UInt32], _ replaces: inout [Bool]) {
        scalars.append(s)
        replaces.append(replacing)
        let ccc = combiningClass(s)
        guard ccc != 0 else { return }
        var i = scalars.count - 1
        while i > 0 {
            let before = combiningClass(scalars[i - 1])
            if before == 0 || before <= ccc { break }
            scalars.swapAt(i - 1, i)
            replaces.swapAt(i - 1, i)
            i -= 1
        }
    }
}
