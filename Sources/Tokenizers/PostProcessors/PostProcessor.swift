/// Last encoding stage: adds special tokens around one sequence or a pair and
/// sets type ids (tokenizers' `processors`).
protocol PostProcessor: Sendable {
    /// How many tokens `process` adds, for truncation to leave room.
    func addedTokenCount(pair: Bool) -> Int
    func process(_ first: Encoding, _ second: Encoding?) -> Encoding
}

extension Encoding {
    /// Appends `other` with every type id replaced by `typeId`.
    mutating func append(_ other: Encoding, typeId: Int) {
        let from = count
        append(contentsOf: other)
        for i in from..<count { typeIds[i] = typeId }
    }

    mutating func appendSpecial(id: Int, token: String, typeId: Int) {
        append(id: id, token: token, typeId: typeId, offset: TokenOffset(start: 0, end: 0), special: true, sequence: nil)
    }
}
