/// RoBERTa's and BART's processor (tokenizers' `processors/roberta.rs`):
/// `<s> A </s>` and `<s> A </s></s> B </s>`, every type id 0, and byte-level
/// offsets trimmed of the spaces tokens carry.
struct RobertaProcessing: PostProcessor {
    let cls: (token: String, id: Int)
    let sep: (token: String, id: Int)
    var trimOffsets = true
    var addPrefixSpace = true

    func addedTokenCount(pair: Bool) -> Int { pair ? 4 : 2 }

    func process(_ first: Encoding, _ second: Encoding?) -> Encoding {
        var a = first, b = second
        if trimOffsets {
            ByteLevelOffsets.trim(&a, addPrefixSpace: addPrefixSpace)
            if b != nil { ByteLevelOffsets.trim(&b!, addPrefixSpace: addPrefixSpace) }
        }
        var out = Encoding()
        out.appendSpecial(id: cls.id, token: cls.token, typeId: 0)
        out.append(a, typeId: 0)
        out.appendSpecial(id: sep.id, token: sep.token, typeId: 0)
        if let b {
            out.appendSpecial(id: sep.id, token: sep.token, typeId: 0)
            out.append(b, typeId: 0)
            out.appendSpecial(id: sep.id, token: sep.token, typeId: 0)
        }
        return out
    }
}

/// The byte-level post-processor alone: trims offsets, adds no tokens.
struct ByteLevelProcessing: PostProcessor {
    var trimOffsets = true
    var addPrefixSpace = true

    func addedTokenCount(pair: Bool) -> Int { 0 }

    func process(_ first: Encoding, _ second: Encoding?) -> Encoding {
        var out = first
        if trimOffsets { ByteLevelOffsets.trim(&out, addPrefixSpace: addPrefixSpace) }
        if var b = second {
            if trimOffsets { ByteLevelOffsets.trim(&b, addPrefixSpace: addPrefixSpace) }
            out.append(contentsOf: b)
        }
        return out
    }
}

/// Offset trimming of byte-level tokens (tokenizers' `process_offsets`): a
/// token's leading and trailing "Ġ" (or whitespace) are not part of its span, except the space
/// that add_prefix_space invented before the first word.
enum ByteLevelOffsets {
    static func trim(_ encoding: inout Encoding, addPrefixSpace: Bool) {
        let space = ByteLevelAlphabet.space
        for i in encoding.offsets.indices {
            let token = encoding.tokens[i].unicodeScalars
            // Any whitespace counts too: an lstrip added token keeps the spaces it absorbed.
            let isSpace = { (c: Unicode.Scalar) in c.value == space || CharacterClasses.bertSplitSpace.contains(c.value) }
            var leading = token.prefix(while: isSpace).count
            let trailing = token.reversed().prefix(while: isSpace).count
            guard leading > 0 || trailing > 0 else { continue }
            var offset = encoding.offsets[i]
            if leading > 0 {
                let isFirst = i == 0 || offset.start == 0
                if isFirst && addPrefixSpace && leading == 1 { leading = 0 }
                offset.start = min(offset.start + leading, offset.end)
            }
            if trailing > 0 && offset.end >= trailing {
                offset.end = max(offset.end - trailing, offset.start)
            }
            encoding.offsets[i] = offset
        }
    }
}
