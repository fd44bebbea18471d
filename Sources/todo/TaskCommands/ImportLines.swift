import Foundation
import TaskService

/// The file `todo import` reads (`ImportReader`: our lines or Taskwarrior's), with every problem
/// named by the file and its line.
enum ImportLines {
    static func read(_ file: String) throws -> ImportReader.Batch {
        let data = try contents(of: file)
        let name = file == "-" ? "standard input" : file
        do { return try ImportReader.read(data) } catch {
            let messages = error.problems.map { problem in
                switch problem.place {
                case .whole: "\(name) is \(problem.message)"
                case .line(let n): "\(name):\(n): \(problem.message)"
                case .task(let i): "\(name), task \(i): \(problem.message)"
                }
            }
            guard messages.count > 1 else { throw CommandFailure((messages.first ?? name) + "; nothing was imported.") }
            let more = messages.count > shown ? "\n  … and \(messages.count - shown) more" : ""
            let bad = error.problems.contains { if case .task = $0.place { true } else { false } } ? "bad tasks" : "bad lines"
            throw CommandFailure("\(messages.count) \(bad); nothing was imported:\n" + messages.prefix(shown).map { "  " + $0 }.joined(separator: "\n") + more)
        }
    }

    /// The bad lines named at once (the first `shown` of them), so a file is mended in one go.
    static let shown = 20

    /// The file's bytes; a folder, a missing or unreadable file is named as such.
    private static func contents(of file: String) throws -> Data {
        if file == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else { throw CommandFailure("Cannot read \(file): no such file.") }
        if isDirectory.boolValue { throw CommandFailure("\(file) is a folder; give a file of JSON Lines (or - for standard input).") }
        do {
            return try FileHandle(forReadingFrom: URL(fileURLWithPath: file)).readToEnd() ?? Data()
        } catch {
            throw CommandFailure("Cannot read \(file): \(error.localizedDescription)")
        }
    }
}
