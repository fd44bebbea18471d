/// A vocabulary's tokens by id. Read from a tokenizer's cache it keeps the tokens' UTF-8 bytes
/// and makes a token's `String` when asked: a text needs a few dozen of the 30,000, and making
/// them all took ~5 ms of every process that loaded a tokenizer.
public struct TokenList: RandomAccessCollection, Sendable, Equatable {
    private let strings: [String]?
    /// Token i is `bytes[ends[i - 1] ..< ends[i]]` (from 0 for the first).
    private let bytes: [UInt8]
    private let ends: [UInt32]

    init(_ strings: [String]) {
        self.strings = strings
        (bytes, ends) = ([], [])
    }

    /// The tokens cut from `bytes` at `offsets` (count + 1 of them, 0 first, `bytes.count` last);
    /// nil unless every token is whole, valid UTF-8: the bytes are, and no cut falls inside a
    /// character.
    init?(bytes: [UInt8], offsets: [UInt32]) {
        guard offsets.first == 0, offsets.last == UInt32(bytes.count),
              String(validating: bytes, as: UTF8.self) != nil else { return nil }
        for k in offsets.indices.dropFirst() {
            guard offsets[k - 1] <= offsets[k] else { return nil }
            let cut = Int(offsets[k])
            if cut < bytes.count, bytes[cut] & 0xC0 == 0x80 { return nil }  // a continuation byte: mid-character
        }
        strings = nil
        self.bytes = bytes
        ends = Array(offsets.dropFirst())
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { strings?.count ?? ends.count }

    public subscript(id: Int) -> String {
        if let strings { return strings[id] }
        let start = id == 0 ? 0 : Int(ends[id - 1])
        return String(decoding: bytes[start..<Int(ends[id])], as: UTF8.self)
    }

    public static func == (a: TokenList, b: TokenList) -> Bool { a.elementsEqual(b) }
}
