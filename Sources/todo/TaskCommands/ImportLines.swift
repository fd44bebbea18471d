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
            try check(batch.tasks, name: name, lines: nil)
            return batch
        }
        var lines: [Int] = []
        for (number, line) in try JSONLines.read(name, data: data, as: Line.self, expected: "exported by `todo export`, or with a \"title\"") {
            switch line {
            case .ours(let exported): batch.tasks.append(try exported.task(line: number, file: name)); lines.append(number)
            case .taskwarrior(let tw):
                let before = batch.tasks.count
                batch.add(tw)
                if batch.tasks.count > before { lines.append(number) }
            }
        }
        try check(batch.tasks, name: name, lines: lines)
        return batch
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
    private static func check(_ tasks: [TodoTask], name: String, lines: [Int]?) throws {
        for (i, task) in tasks.enumerated() {
            if let problem = TaskRules.problem(with: task) {
                let place = lines.map { "\(name):\($0[i])" } ?? "\(name), task \(i + 1)"
                throw CommandFailure("\(place): \(problem); nothing was imported.")
            }
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

extension ExportedTask {
    /// The task of line `line` of `file`; a problem is said with the place and "nothing was imported".
    func task(line: Int, file: String, now: Date = Date()) throws -> TodoTask {
        do { return try task(now: now) } catch let problem as ExportedTask.Problem {
            throw CommandFailure("\(file):\(line): \(problem.message); nothing was imported.")
        }
    }
}
