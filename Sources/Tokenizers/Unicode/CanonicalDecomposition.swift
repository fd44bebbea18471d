/// Unicode canonical decomposition (NFD) as the reference tokenizers compute it:
/// its decomposition table, Hangul syllables algorithmically, then canonical
/// reordering of combining marks. Units keep their alignment as they move.
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

    /// Appends the decomposition of `unit` to `output`, reordering marks by
    /// combining class (a stable insertion sort, as the Unicode algorithm requires).
    static func appendDecomposed(_ unit: TextUnit, to output: inout [TextUnit]) {
        let c = unit.scalar
        if c < 0xC0 {  // nothing below U+00C0 decomposes or combines
            output.append(unit)
            return
        }
        if c >= sBase && c < sBase + sCount {
            let index = c - sBase
            let t = index % tCount
            output.append(TextUnit(scalar: lBase + index / (vCount * tCount), start: unit.start, end: unit.end))
            output.append(TextUnit(scalar: vBase + (index % (vCount * tCount)) / tCount, start: unit.start, end: unit.end))
            if t != 0 { output.append(TextUnit(scalar: tBase + t, start: unit.start, end: unit.end)) }
            return
        }
        guard let parts = table[c] else {
            appendReordered(unit, to: &output)
            return
        }
        for p in parts {
            appendReordered(TextUnit(scalar: ReferenceUnicodeTables.decompositions[p], start: unit.start, end: unit.end), to: &output)
        }
    }

    private static func combiningClass(_ c: UInt32) -> UInt8 {
        guard c >= 0x300, let s = Unicode.Scalar(c) else { return 0 }
        return s.properties.canonicalCombiningClass.rawValue
    }

    private static func appendReordered(_ unit: TextUnit, to output: inout [TextUnit]) {
        let ccc = combiningClass(unit.scalar)
        output.append(unit)
        guard ccc != 0 else { return }
        var i = output.count - 1
        while i > 0 {
            let before = combiningClass(output[i - 1].scalar)
            if before == 0 || before <= ccc { break }
            output.swapAt(i - 1, i)
            i -= 1
        }
    }
}
