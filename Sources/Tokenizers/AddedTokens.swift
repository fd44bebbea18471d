/// A token the vocabulary file declares outside the model ("added tokens"),
/// such as `[CLS]` or `<mask>`: found in raw text before any other stage runs.
public struct AddedToken: Sendable, Equatable {
    public var content: String
    public var id: Int
    public var special: Bool
    public var singleWord = false
    /// Also absorb whitespace on the left / right of a match (RoBERTa's `<mask>`).
    public var lstrip = false
    public var rstrip = false
    /// Match on normalized text rather than on the original.
    public var normalized = false
}

/// Finds added tokens in text, leftmost first and longest among those starting
/// there, as tokenizers' AddedVocabulary does with its Aho-Corasick matcher.
struct AddedTokenMatcher: Sendable {
    private let tokens: [(scalars: [UInt32], token: AddedToken)]
    private let firstScalars: Set<UInt32>

    init(_ tokens: [AddedToken]) {
        self.tokens = tokens.map { (Array($0.content.unicodeScalars.map(\.value)), $0) }.filter { !$0.0.isEmpty }
        self.firstScalars = Set(self.tokens.map { $0.scalars[0] })
    }

    var isEmpty: Bool { tokens.isEmpty }

    /// A piece of text: either a plain range of units or a matched added token.
    enum Segment: Equatable {
        case text(Range<Int>)
        case added(AddedToken, Range<Int>)
    }

    /// Splits `range` of `units` around every match.
    func split(_ units: [TextUnit], _ range: Range<Int>) -> [Segment] {
        guard !tokens.isEmpty else { return [.text(range)] }
        var segments: [Segment] = []
        var textStart = range.lowerBound
        var i = range.lowerBound
        while i < range.upperBound {
            guard firstScalars.contains(units[i].scalar), let (token, end) = longestMatch(units, at: i, limit: range.upperBound) else {
                i += 1
                continue
            }
            var matchStart = i, matchEnd = end
            if token.lstrip { while matchStart > textStart && isSpace(units[matchStart - 1].scalar) { matchStart -= 1 } }
            if token.rstrip { while matchEnd < range.upperBound && isSpace(units[matchEnd].scalar) { matchEnd += 1 } }
            if matchStart > textStart { segments.append(.text(textStart..<matchStart)) }
            segments.append(.added(token, matchStart..<matchEnd))
            textStart = matchEnd
            i = matchEnd
        }
        if textStart < range.upperBound { segments.append(.text(textStart..<range.upperBound)) }
        return segments
    }

    private func isSpace(_ c: UInt32) -> Bool { CharacterClasses.bertSplitSpace.contains(c) }

    private func isWordCharacter(_ c: UInt32) -> Bool {
        c == 0x5F || CharacterClasses.regexLetter.contains(c) || CharacterClasses.regexNumber.contains(c)
    }

    private func longestMatch(_ units: [TextUnit], at i: Int, limit: Int) -> (AddedToken, Int)? {
        var best: (AddedToken, Int)? = nil
        for (scalars, token) in tokens where i + scalars.count <= limit && (best == nil || scalars.count > best!.1 - i) {
            var matches = true
            for (k, s) in scalars.enumerated() where units[i + k].scalar != s {
                matches = false
                break
            }
            guard matches else { continue }
            let end = i + scalars.count
            if token.singleWord {
                if i > 0 && isWordCharacter(units[i - 1].scalar) { continue }
                if end < units.count && isWordCharacter(units[end].scalar) { continue }
            }
            best = (token, end)
        }
        return best
    }
}
