/// One scalar of text under normalization, remembering the code-point range of
/// the original input it came from (Hugging Face's NormalizedString alignments).
struct TextUnit: Sendable, Equatable {
    var scalar: UInt32
    /// Original range `[start, end)` in Unicode scalars (code points).
    var start: Int32
    var end: Int32
}

/// Text as a sequence of units: the original at first, then as normalizers and
/// pre-tokenizers rewrite it. Offsets of every token are read off `units`.
struct NormalizedText: Sendable {
    var units: [TextUnit]

    /// Identity alignment for `scalars`, whose first scalar sits at `base` in the original.
    init<S: Sequence>(scalars: S, base: Int = 0) where S.Element == UInt32 {
        var units: [TextUnit] = []
        units.reserveCapacity(scalars.underestimatedCount)
        var i = Int32(base)
        for s in scalars {
            units.append(TextUnit(scalar: s, start: i, end: i + 1))
            i += 1
        }
        self.units = units
    }

    init(units: [TextUnit]) { self.units = units }

    var isEmpty: Bool { units.isEmpty }

    /// The original range covered by `range` of units, as Hugging Face maps a
    /// normalized span back: start of the first unit, end of the last.
    func originalOffsets(_ range: Range<Int>) -> TokenOffset {
        guard let first = range.first else { return TokenOffset(start: 0, end: 0) }
        return TokenOffset(start: Int(units[first].start), end: Int(units[range.upperBound - 1].end))
    }

    /// The text of `range` of units.
    func string(_ range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        for u in units[range] { if let s = Unicode.Scalar(u.scalar) { view.append(s) } }
        return String(view)
    }
}
