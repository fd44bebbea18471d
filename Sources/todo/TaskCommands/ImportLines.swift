import Foundation
import TaskService

/// What `todo import` reads: lines of `todo export` or written by hand, or Taskwarrior's export
/// (an array, or an object per line). Every problem names the line and the field.
enum ImportLines {
    struct Batch {
        var tasks: [TodoTask] = []
        /// Taskwarrior's recurring templates, left out.
        var recurringTemplates = 0
        /// Taskwarrior field → how many tasks carried it, dropped.
        var droppedFields: [String: Int] = [:]

        mutating func add(_ tw: TaskwarriorTask) {
            if tw.isRecurringTemplate { recurringTemplates += 1; return }
            for field in tw.droppedFields { droppedFields[field, default: 0] += 1 }
            tasks.append(tw.task())
        }
    }

    static func read(_ file: String) throws -> Batch {
        let data = try contents(of: file)
        let name = file == "-" ? "standard input" : file
        guard String(validating: data, as: UTF8.self) != nil else { throw CommandFailure("\(name) is not valid UTF-8; nothing was imported.") }
        var batch = Batch()
        let trimmed = data.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        if trimmed.first == UInt8(ascii: "[") {
            let all: [TaskwarriorTask]
            do { all = try JSONDecoder().decode([TaskwarriorTask].self, from: Data(trimmed)) } catch {
                throw CommandFailure("\(name): a JSON array, but not Taskwarrior's export format" + (JSONLines.problem(error).map { " (\($0))" } ?? "")
                                     + "; nothing was imported.")
            }
            for tw in all { batch.add(tw) }
            try refuse(ruleProblems(batch.tasks, name: name, lines: nil))
            return batch
        }
        var lines: [Int] = []
        var (read, problems) = JSONLines.readEach(name, data: data, as: Line.self, expected: "exported by `todo export`, or with a \"title\"")
        for (number, line) in read {
            switch line {
            case .ours(let exported):
                do {
                    batch.tasks.append(try exported.task())
                    lines.append(number)
                } catch let problem as ExportedTask.Problem {
                    problems.append(.init(line: number, message: "\(name):\(number): \(problem.message)"))
                }
            case .taskwarrior(let tw):
                let before = batch.tasks.count
                batch.add(tw)
                if batch.tasks.count > before { lines.append(number) }
            }
        }
        problems += ruleProblems(batch.tasks, name: name, lines: lines)
        try refuse(problems)
        return batch
    }

    /// Every bad line is named at once (the first `shown` of them), so a file is mended in one go.
    static let shown = 20

    private static func refuse(_ problems: [JSONLines.LineProblem]) throws {
        guard !problems.isEmpty else { return }
        let sorted = problems.sorted()
        guard sorted.count > 1 else { throw CommandFailure(sorted[0].message + "; nothing was imported.") }
        let more = sorted.count > shown ? "\n  … and \(sorted.count - shown) more" : ""
        throw CommandFailure("\(sorted.count) bad lines; nothing was imported:\n" + sorted.prefix(shown).map { "  " + $0.message }.joined(separator: "\n") + more)
    }

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

    /// The rules every stored task keeps, by line: an import is refused before anything is written.
    private static func ruleProblems(_ tasks: [TodoTask], name: String, lines: [Int]?) -> [JSONLines.LineProblem] {
        tasks.enumerated().compactMap { i, task in
            guard let problem = TaskRules.problem(with: task) else { return nil }
            let place = lines.map { "\(name):\($0[i])" } ?? "\(name), task \(i + 1)"
            return .init(line: lines?[i] ?? i + 1, message: "\(place): \(problem)")
        }
    }

    /// One line: ours (it has a "title") or Taskwarrior's (a "description" and no title).
    enum Line: Decodable {
        case ours(ExportedTask)
        case taskwarrior(TaskwarriorTask)

        private enum Keys: String, CodingKey { case title, description, entry, status }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            if !c.contains(.title), c.contains(.description), c.contains(.entry) || c.contains(.status) {
                self = .taskwarrior(try TaskwarriorTask(from: decoder))
            } else {
                self = .ours(try ExportedTask(from: decoder))
            }
        }
    }
}
