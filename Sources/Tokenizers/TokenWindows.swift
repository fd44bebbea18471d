/// Overlapping windows over a long token sequence, so later stages never cut text.
///
/// The rule, relied on exactly by the embedder and the zero-shot classifier:
/// with room for `W` content tokens per window, windows start at content
/// positions 0, S, 2S, … with S = ⌊W/2⌋, each holds up to W tokens, and the list
/// stops with the first window that reaches the end. A sequence of at most W
/// tokens (also an empty one) is one window.
public enum TokenWindows {
    /// Content ranges of the windows covering `count` tokens, `width` per window.
    /// - Throws: `TokenizerError.invalidWindow` when `width` < 2 (S would be 0).
    public static func ranges(count: Int, width: Int) throws -> [Range<Int>] {
        guard width >= 2 else { throw TokenizerError.invalidWindow("a window needs room for at least 2 tokens, got \(width)") }
        return ranges(count: count, width: width, step: width / 2)
    }

    /// The same walk with any step in 1...width (truncation's overflow uses width - stride).
    static func ranges(count: Int, width: Int, step: Int) -> [Range<Int>] {
        precondition(step >= 1 && step <= width)
        guard count > width else { return [0..<count] }
        var out: [Range<Int>] = []
        var start = 0
        while true {
            let end = min(start + width, count)
            out.append(start..<end)
            if end == count { return out }
            start += step
        }
    }
}
