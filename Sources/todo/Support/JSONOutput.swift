import Foundation

/// JSON output shared by every command: compact, one value per line, keys in a
/// stable order, non-ASCII left readable except what a terminal must not see raw
/// (`TerminalText.escapingJSON`).
enum JSONOutput {
    static func line<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return TerminalText.escapingJSON(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

/// A failure while running a command (as opposed to a malformed command line):
/// printed as "Error: …" without the usage banner, exit status 1 unless `status` says another.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    var status: ExitStatus?
    init(_ description: String, status: ExitStatus? = nil) {
        self.description = description
        self.status = status
    }
}
