/// Finds where a JSON document first goes wrong, for error messages: Foundation's
/// decoder on Linux only says "not valid JSON". Runs only after a failed parse.
struct JSONSyntaxLocator {
    struct Problem: Equatable {
        var line: Int
        var column: Int
        var message: String

        var description: String { "line \(line), column \(column): \(message)" }
    }

    private let bytes: [UInt8]
    private var i = 0
    private static let maxDepth = 512

    static func firstProblem(in data: some Collection<UInt8>) -> Problem? {
        var locator = JSONSyntaxLocator(bytes: Array(data))
        return locator.check()
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private struct Failure: Error { var offset: Int; var message: String }

    private mutating func check() -> Problem? {
        do {
            try value(depth: 0)
            skipSpace()
            if i < bytes.count { throw Failure(offset: i, message: "unexpected text after the JSON value") }
            return nil
        } catch let f as Failure {
            return problem(at: f.offset, f.message)
        } catch {
            return nil
        }
    }

    private func problem(at offset: Int, _ message: String) -> Problem {
        var line = 1, column = 1
        for b in bytes[..<min(offset, bytes.count)] {
            if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
        return Problem(line: line, column: column, message: message)
    }

    private var endOfFile: Failure { Failure(offset: bytes.count, message: "the file ends in the middle of the JSON (truncated?)") }

    private mutating func skipSpace() {
        while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
    }

    private mutating func expect(_ b: UInt8, _ what: String) throws {
        skipSpace()
        guard i < bytes.count else { throw endOfFile }
        guard bytes[i] == b else { throw Failure(offset: i, message: "expected \(what)") }
        i += 1
    }

    private mutating func value(depth: Int) throws {
        guard depth < Self.maxDepth else { throw Failure(offset: i, message: "nested more than \(Self.maxDepth) levels deep") }
        skipSpace()
        guard i < bytes.count else { throw endOfFile }
        switch bytes[i] {
        case UInt8(ascii: "{"): try container(close: UInt8(ascii: "}"), keyed: true, depth: depth)
        case UInt8(ascii: "["): try container(close: UInt8(ascii: "]"), keyed: false, depth: depth)
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        default: throw Failure(offset: i, message: "expected a value")
        }
    }

    private mutating func container(close: UInt8, keyed: Bool, depth: Int) throws {
        i += 1
        skipSpace()
        if i < bytes.count && bytes[i] == close { i += 1; return }
        while true {
            if keyed {
                skipSpace()
                guard i < bytes.count else { throw endOfFile }
                guard bytes[i] == UInt8(ascii: "\"") else { throw Failure(offset: i, message: "expected a quoted key") }
                try string()
                try expect(UInt8(ascii: ":"), "':' after the key")
            }
            try value(depth: depth + 1)
            skipSpace()
            guard i < bytes.count else { throw endOfFile }
            if bytes[i] == close { i += 1; return }
            guard bytes[i] == UInt8(ascii: ",") else {
                throw Failure(offset: i, message: "expected ',' or '\(Character(Unicode.Scalar(close)))'")
            }
            i += 1
        }
    }

    private mutating func string() throws {
        i += 1
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\""): i += 1; return
            case UInt8(ascii: "\\"): i += 2
            case 0..<0x20: throw Failure(offset: i, message: "control character inside a string")
            default: i += 1
            }
        }
        throw endOfFile
    }

    private mutating func literal(_ word: String) throws {
        for b in word.utf8 {
            guard i < bytes.count else { throw endOfFile }
            guard bytes[i] == b else { throw Failure(offset: i, message: "expected '\(word)'") }
            i += 1
        }
    }

    private mutating func number() throws {
        let start = i
        let numberBytes = Set("+-0123456789.eE".utf8)
        while i < bytes.count, numberBytes.contains(bytes[i]) { i += 1 }
        if Double(String(decoding: bytes[start..<i], as: UTF8.self)) == nil {
            throw Failure(offset: start, message: "malformed number")
        }
    }
}
