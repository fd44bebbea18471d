/// The character classes the tokenizer stages test, as Hugging Face `tokenizers`
/// defines them (see `ReferenceUnicodeTables` for why they are tabled).
enum CharacterClasses {
    static let bertDropped = CodePointSet(flatRanges: ReferenceUnicodeTables.bertDropped)
    static let bertSpace = CodePointSet(flatRanges: ReferenceUnicodeTables.bertSpace)
    static let bertSplitSpace = CodePointSet(flatRanges: ReferenceUnicodeTables.bertSplitSpace)
    static let bertPunctuation = CodePointSet(flatRanges: ReferenceUnicodeTables.bertPunctuation)
    static let accentMark = CodePointSet(flatRanges: ReferenceUnicodeTables.accentMark)
    static let regexLetter = CodePointSet(flatRanges: ReferenceUnicodeTables.regexLetter)
    static let regexNumber = CodePointSet(flatRanges: ReferenceUnicodeTables.regexNumber)
    static let regexSpace = CodePointSet(flatRanges: ReferenceUnicodeTables.regexSpace)
    static let combiningMark = CodePointSet(flatRanges: ReferenceUnicodeTables.combiningMark)

    /// CJK ideographs that BertNormalizer surrounds with spaces; the ranges of
    /// `is_chinese_char` in tokenizers' normalizers/bert.rs (checked against it).
    @inline(__always)
    static func isCJKIdeograph(_ c: UInt32) -> Bool {
        switch c {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
