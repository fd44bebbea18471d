/// A set of Unicode code points built from sorted inclusive `[lo, hi]` ranges.
///
/// Lookups in the Basic Multilingual Plane hit a 64 Ki-bit bitmap (8 KiB), the
/// rest binary-search the ranges: every tokenizer stage asks this per character.
struct CodePointSet: Sendable {
    private let bmp: [UInt64]
    private let astralRanges: [UInt32]

    /// - Parameter flatRanges: `[lo0, hi0, lo1, hi1, …]`, sorted and disjoint.
    init(flatRanges: [UInt32]) {
        precondition(flatRanges.count % 2 == 0, "ranges come in pairs")
        var bits = [UInt64](repeating: 0, count: 1024)
        var astral: [UInt32] = []
        var i = 0
        while i < flatRanges.count {
            let lo = flatRanges[i], hi = flatRanges[i + 1]
            if lo <= 0xFFFF {
                for c in lo...min(hi, 0xFFFF) { bits[Int(c >> 6)] |= 1 << UInt64(c & 63) }
            }
            if hi > 0xFFFF { astral += [max(lo, 0x10000), hi] }
            i += 2
        }
        bmp = bits
        astralRanges = astral
    }

    @inline(__always)
    func contains(_ c: UInt32) -> Bool {
        if c <= 0xFFFF { return bmp[Int(c >> 6)] & (1 << UInt64(c & 63)) != 0 }
        var lo = 0, hi = astralRanges.count / 2
        while lo < hi {
            let mid = (lo + hi) / 2
            if astralRanges[2 * mid + 1] < c { lo = mid + 1 } else { hi = mid }
        }
        return lo < astralRanges.count / 2 && astralRanges[2 * lo] <= c
    }
}
