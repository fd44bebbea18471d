import Foundation

/// JSON output shared by every command: compact, one value per line, keys in a
/// stable order, non-ASCII left readable.
enum JSONOutput {
    static func line<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// Writes to standard error, for messages that must not mix with `--json` output.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// A failure while running a command (as opposed to a malformed command line):
/// printed as "Error: …" without the usage banner, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
