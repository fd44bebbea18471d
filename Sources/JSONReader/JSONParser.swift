import Foundation

/// A strict JSON parser over bytes, producing `JSONValue`.
///
/// Why our own: Foundation's `JSONSerialization` on Linux drops U+FEFF from
/// strings, and `JSONDecoder` into a generic value takes most of a second on a
/// 466 KB tokenizer.json. This one reads it in milliseconds and says where a
/// broken file breaks (line, column, what was expected).
public struct JSONParser {
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var column: Int
        public var message: String

        public init(line: Int, column: Int, message: String) {
            self.line = line
            self.column = column
            self.message = message
        }

        public var description: String { "line \(line), column \(column): \(message)" }
    }

    private let bytes: UnsafeRawBufferPointer
    private var i = 0
    /// Object keys leading to a value that is scanned for well-formedness but not built (it reads as null).
    private let skipping: [String]
    private static let maxDepth = 512

    /// - Parameter skipping: keys from the top-level object down to one value not to build, e.g.
    ///   `["model", "vocab"]` when a tokenizer's vocabulary comes from its cache.
    public static func parse(_ data: Data, skipping: [String] = []) throws -> JSONValue {
        try data.withUnsafeBytes { raw in
            var parser = JSONParser(bytes: raw, skipping: skipping)
            do {
                let value = try parser.value(depth: 0, onSkipPath: skipping.isEmpty ? nil : 0)
                parser.skipSpace()
                if parser.i < raw.count { throw Failure(offset: parser.i, message: "unexpected text after the JSON value") }
                return value
            } catch let f as Failure {
                throw parser.problem(at: f.offset, f.message)
            }
        }
    }

    private init(bytes: UnsafeRawBufferPointer, skipping: [String]) {
        self.bytes = bytes
        self.skipping = skipping
    }

    private struct Failure: Error { var offset: Int; var message: String }

    private func problem(at offset: Int, _ message: String) -> Problem {
        var line = 1, column = 1
        for b in bytes[..<min(offset, bytes.count)] {
            if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
        return Problem(line: line, column: column, message: message)
    }

    private var endOfFile: Failure { Failure(offset: bytes.count, message: "the file ends in the middle of the JSON (truncated?)") }

    private mutating func skipSpace() {
        while i < bytes.count {
            let b = bytes[i]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            i += 1
        }
    }

    /// `onSkipPath`: how many keys of `skipping` lead here (nil when off that path).
    private mutating func value(depth: Int, onSkipPath: Int? = nil) throws -> JSONValue {
        guard depth < Self.maxDepth else { throw Failure(offset: i, message: "nested more than \(Self.maxDepth) levels deep") }
        skipSpace()
        guard i < bytes.count else { throw endOfFile }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object(depth: depth, onSkipPath: onSkipPath)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw Failure(offset: i, message: "expected a value")
        }
    }

    private mutating func object(depth: Int, onSkipPath: Int?) throws -> JSONValue {
        i += 1
        // Pairs first, then one dictionary of the right size: a vocabulary object has 30,000+
        // keys, and growing a dictionary to that size rehashes it many times.
        var pairs: [(String, JSONValue)] = []
        func result() -> [String: JSONValue] { Dictionary(pairs, uniquingKeysWith: { _, last in last }) }
        skipSpace()
        if i < bytes.count && bytes[i] == UInt8(ascii: "}") { i += 1; return .object([:]) }
        while true {
            skipSpace()
            guard i < bytes.count else { throw endOfFile }
            guard bytes[i] == UInt8(ascii: "\"") else { throw Failure(offset: i, message: "expected a quoted key") }
            let key = try string()
            skipSpace()
            guard i < bytes.count else { throw endOfFile }
            guard bytes[i] == UInt8(ascii: ":") else { throw Failure(offset: i, message: "expected ':' after the key") }
            i += 1
            if let matched = onSkipPath, key == skipping[matched] {
                if matched + 1 == skipping.count {
                    try skipValue(depth: depth + 1)
                    pairs.append((key, .null))
                } else {
                    pairs.append((key, try value(depth: depth + 1, onSkipPath: matched + 1)))
                }
            } else {
                pairs.append((key, try value(depth: depth + 1)))
            }
            skipSpace()
            guard i < bytes.count else { throw endOfFile }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(result()) }
            guard bytes[i] == UInt8(ascii: ",") else { throw Failure(offset: i, message: "expected ',' or '}'") }
            i += 1
        }
    }

    /// Moves past one value, checking its brackets, strings and literals, without building it.
    private mutating func skipValue(depth: Int) throws {
        skipSpace()
        guard i < bytes.count else { throw endOfFile }
        var closers: [UInt8] = []
        repeat {
            guard depth + closers.count < Self.maxDepth else { throw Failure(offset: i, message: "nested more than \(Self.maxDepth) levels deep") }
            guard i < bytes.count else { throw endOfFile }
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "{"): closers.append(UInt8(ascii: "}")); i += 1
            case UInt8(ascii: "["): closers.append(UInt8(ascii: "]")); i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard closers.last == b else { throw Failure(offset: i, message: "unbalanced '\(Character(Unicode.Scalar(b)))'") }
                closers.removeLast(); i += 1
            case UInt8(ascii: "\""):
                i += 1
                while true {
                    guard i < bytes.count else { throw endOfFile }
                    let c = bytes[i]
                    if c == UInt8(ascii: "\"") { i += 1; break }
                    if c < 0x20 { throw Failure(offset: i, message: "control character inside a string") }
                    i += c == UInt8(ascii: "\\") ? 2 : 1
                }
            case UInt8(ascii: ","), UInt8(ascii: ":"), 0x20, 0x0A, 0x0D, 0x09: i += 1
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try number()
            default: throw Failure(offset: i, message: "expected a value")
            }
        } while !closers.isEmpty
    }

    private mutating func array(depth: Int) throws -> JSONValue {
        i += 1
        var result: [JSONValue] = []
        skipSpace()
        if i < bytes.count && bytes[i] == UInt8(ascii: "]") { i += 1; return .array(result) }
        while true {
            result.append(try value(depth: depth + 1))
            skipSpace()
            guard i < bytes.count else { throw endOfFile }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(result) }
            guard bytes[i] == UInt8(ascii: ",") else { throw Failure(offset: i, message: "expected ',' or ']'") }
            i += 1
        }
    }

    private mutating func string() throws -> String {
        let start = i
        i += 1
        // Fast path: no escapes.
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                guard let s = String(validating: UnsafeRawBufferPointer(rebasing: bytes[(start + 1)..<i]), as: UTF8.self) else {
                    throw Failure(offset: start, message: "string is not valid UTF-8")
                }
                i += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw Failure(offset: i, message: "control character inside a string") }
            i += 1
        }
        guard i < bytes.count else { throw endOfFile }
        var out = Array(bytes[(start + 1)..<i])
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "\""):
                i += 1
                guard let s = String(validating: out, as: UTF8.self) else { throw Failure(offset: start, message: "string is not valid UTF-8") }
                return s
            case UInt8(ascii: "\\"):
                guard i + 1 < bytes.count else { throw endOfFile }
                let e = bytes[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                            throw Failure(offset: i, message: "unpaired surrogate escape")
                        }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw Failure(offset: i - 6, message: "unpaired surrogate escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw Failure(offset: i - 6, message: "unpaired surrogate escape")
                    }
                    out.append(contentsOf: String(Unicode.Scalar(scalar)!).utf8)
                default:
                    throw Failure(offset: i - 2, message: "invalid escape")
                }
            case 0..<0x20:
                throw Failure(offset: i, message: "control character inside a string")
            default:
                out.append(b)
                i += 1
            }
        }
        throw endOfFile
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count else { throw endOfFile }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw Failure(offset: i, message: "invalid \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    private mutating func literal(_ word: StaticString) throws {
        let start = i
        for k in 0..<word.utf8CodeUnitCount {
            guard i < bytes.count else { throw endOfFile }
            guard bytes[i] == word.utf8Start[k] else { throw Failure(offset: start, message: "expected '\(word)'") }
            i += 1
        }
    }

    private mutating func number() throws -> JSONValue {
        let start = i
        var isInteger = true
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        while i < bytes.count {
            let b = bytes[i]
            if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") { i += 1; continue }
            if b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") {
                isInteger = false
                i += 1
                continue
            }
            break
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        if isInteger, let n = Int(text) { return .int(n) }
        guard let d = Double(text), text.last.map({ $0.isNumber }) == true else { throw Failure(offset: start, message: "malformed number") }
        return .double(d)
    }
}
