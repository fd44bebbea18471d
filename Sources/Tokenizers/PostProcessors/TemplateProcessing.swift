/// Template post-processing (tokenizers' `processors/template.rs`), which also
/// expresses BERT's `[CLS] A [SEP] B [SEP]` with type ids 0 then 1.
struct TemplateProcessing: PostProcessor {
    enum Piece: Sendable, Equatable {
        case sequence(first: Bool, typeId: Int)
        case special(name: String, typeId: Int)
    }

    struct SpecialTokens: Sendable, Equatable {
        var ids: [Int]
        var tokens: [String]
    }

    let single: [Piece]
    let pair: [Piece]
    let specialTokens: [String: SpecialTokens]

    /// BERT's processor: `[CLS] A [SEP]` and `[CLS] A [SEP] B [SEP]`.
    static func bert(cls: (String, Int), sep: (String, Int)) -> TemplateProcessing {
        TemplateProcessing(
            single: [.special(name: cls.0, typeId: 0), .sequence(first: true, typeId: 0), .special(name: sep.0, typeId: 0)],
            pair: [.special(name: cls.0, typeId: 0), .sequence(first: true, typeId: 0), .special(name: sep.0, typeId: 0),
                   .sequence(first: false, typeId: 1), .special(name: sep.0, typeId: 1)],
            specialTokens: [cls.0: SpecialTokens(ids: [cls.1], tokens: [cls.0]), sep.0: SpecialTokens(ids: [sep.1], tokens: [sep.0])])
    }

    func addedTokenCount(pair isPair: Bool) -> Int {
        (isPair ? pair : single).reduce(0) { n, piece in
            if case .special(let name, _) = piece { return n + (specialTokens[name]?.ids.count ?? 0) }
            return n
        }
    }

    func process(_ first: Encoding, _ second: Encoding?) -> Encoding {
        var out = Encoding()
        for piece in second == nil ? single : pair {
            switch piece {
            case .sequence(let isFirst, let typeId):
                if isFirst { out.append(first, typeId: typeId) } else if let second { out.append(second, typeId: typeId) }
            case .special(let name, let typeId):
                guard let special = specialTokens[name] else { continue }
                for (id, token) in zip(special.ids, special.tokens) { out.appendSpecial(id: id, token: token, typeId: typeId) }
            }
        }
        return out
    }
}
