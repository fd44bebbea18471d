/// GPT-2's byte↔character table: printable Latin-1 bytes stand for themselves,
/// the other 68 bytes map to U+0100 upward in byte order (so space is "Ġ").
enum ByteLevelAlphabet {
    static let characterOfByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            if (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b) {
                table[b] = UInt32(b)
            } else {
                table[b] = next
                next += 1
            }
        }
        return table
    }()

    static let byteOfCharacter: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (b, c) in characterOfByte.enumerated() { map[c] = UInt8(b) }
        return map
    }()

    /// The byte-level character standing for the space byte (U+0120 "Ġ").
    static let space: UInt32 = characterOfByte[0x20]

    /// Emits one unit per UTF-8 byte of `unit`, each aligned like `unit`.
    @inline(__always)
    static func appendBytes(of unit: TextUnit, _ emit: (TextUnit) -> Void) {
        let c = unit.scalar
        func out(_ b: UInt32) { emit(TextUnit(scalar: characterOfByte[Int(b)], start: unit.start, end: unit.end)) }
        if c < 0x80 {
            out(c)
        } else if c < 0x800 {
            out(0xC0 | (c >> 6)); out(0x80 | (c & 0x3F))
        } else if c < 0x10000 {
            out(0xE0 | (c >> 12)); out(0x80 | ((c >> 6) & 0x3F)); out(0x80 | (c & 0x3F))
        } else {
            out(0xF0 | (c >> 18)); out(0x80 | ((c >> 12) & 0x3F)); out(0x80 | ((c >> 6) & 0x3F)); out(0x80 | (c & 0x3F))
        }
    }
}
