import Foundation
import TestSupport
import Testing

/// `todo … --help` reads as prose at any terminal width: a paragraph written with hard line
/// breaks re-wraps into orphan words ("runs⏎in⏎the venv") once the terminal is narrower or
/// wider than the source, so paragraphs are single logical lines that ArgumentParser wraps.
/// The same holds for Tools/convert-weights, built beside `todo`.
@Suite struct HelpTextTests {
    static let commands = ["", "add", "list", "show", "edit", "done", "reopen", "undo", "delete", "search", "similar", "explain",
                           "import", "export", "enrich", "stats", "cache", "models", "models install", "embed", "classify", "tokenize", "bench", "eval", "serve", converter]
    static let converter = "convert-weights"

    func help(_ command: String, columns: Int) throws -> String {
        let p = Process()
        if command == Self.converter {
            p.executableURL = TodoCLI.binary.deletingLastPathComponent().appendingPathComponent(command)
            p.arguments = ["--help"]
        } else {
            p.executableURL = TodoCLI.binary
            p.arguments = command.split(separator: " ").map(String.init) + ["--help"]
        }
        p.environment = ProcessInfo.processInfo.environment.merging(["COLUMNS": String(columns)]) { $1 }
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "todo \(command) --help")
        return String(decoding: data, as: UTF8.self)
    }

    /// Lines of prose (not indented: examples and options are) that could have taken the next line's
    /// first word and did not: a hard break inside a paragraph. ArgumentParser keeps lines a
    /// little short of the terminal's width, hence the margin.
    static func hardBreaks(in text: String, columns: Int) -> [String] {
        let lines = text.components(separatedBy: "\n")
        var found: [String] = []
        for (line, next) in zip(lines, lines.dropFirst()) {
            guard let first = next.split(separator: " ").first, !line.isEmpty, !line.hasPrefix(" "), !next.hasPrefix(" "),
                  !line.hasSuffix(":"), !next.hasPrefix("USAGE:") else { continue }
            if line.count + 1 + first.count <= columns - 3 { found.append(line) }
        }
        return found
    }

    @Test(arguments: [80, 120, 160])
    func paragraphsReflowToTheTerminal(columns: Int) throws {
        for command in Self.commands {
            let text = try help(command, columns: columns)
            #expect(text.contains("Example"), "todo \(command) --help has examples")
            #expect(Self.hardBreaks(in: text, columns: columns).isEmpty, "todo \(command) --help at \(columns) columns")
        }
    }

    @Test func theCheckFindsAHardBreak() {
        #expect(Self.hardBreaks(in: "The reference side runs in\nthe venv", columns: 80) == ["The reference side runs in"])
        #expect(Self.hardBreaks(in: "Examples:\n  todo list\n  todo add x", columns: 80).isEmpty)
    }
}
