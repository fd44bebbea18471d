import Foundation

/// What an import reads, for `todo import` and `POST /api/import` alike: lines of `todo export`
/// (or written by hand, with a "title"), Taskwarrior's `task export` as lines or as one JSON
/// array. Everything is read before anything is stored, and every problem is named by its
/// place and field, so that a file is mended in one go.
public enum ImportReader {
    /// The tasks read, and what of Taskwarrior's was left out.
    public struct Batch: Sendable {
        public var tasks: [TodoTask] = []
        /// Taskwarrior's recurring templates, left out.
        public var recurringTemplates = 0
        /// Taskwarrior field → how many tasks carried it, dropped.
        public var droppedFields: [String: Int] = [:]

        /// Whether it became a task (a recurring template does not).
        mutating func add(_ tw: TaskwarriorTask) -> Bool {
            if tw.isRecurringTemplate { recurringTemplates += 1; return false }
            for field in tw.droppedFields { droppedFields[field, default: 0] += 1 }
            tasks.append(tw.task())
            return true
        }
    }

    /// Where a problem is: a line of JSON Lines, a task of a JSON array (from 1), or the input as a whole.
    public enum Place: Sendable, Comparable {
        case whole
        case line(Int)
        case task(Int)
    }

    /// One thing wrong, with the field it is in when there is one (an API names it).
    public struct Problem: Sendable, Comparable {
        public var place: Place
        public var field: String?
        public var message: String

        public static func < (a: Self, b: Self) -> Bool { a.place < b.place }
    }

    /// Why nothing can be imported: every problem found, in input order.
    public struct Refusal: Error, Sendable {
        public var problems: [Problem]
    }

    /// The tasks the input holds; a `Refusal` with every problem if any line or task is bad.
    public static func read(_ data: Data) throws(Refusal) -> Batch {
        guard String(validating: data, as: UTF8.self) != nil else {
            throw Refusal(problems: [Problem(place: .whole, field: nil, message: "not valid UTF-8")])
        }
        let trimmed = data.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        return trimmed.first == UInt8(ascii: "[") ? try array(Data(trimmed)) : try lines(data)
    }

    /// Taskwarrior's `task export`: one array of its tasks, each read on its own so that a
    /// problem is named by the task it is in.
    private static func array(_ data: Data) throws(Refusal) -> Batch {
        guard let items = (try? JSONSerialization.jsonObject(with: data)) as? [Any] else {
            throw Refusal(problems: [Problem(place: .whole, field: nil, message: "not valid JSON (it starts as an array)")])
        }
        var batch = Batch()
        var problems: [Problem] = []
        var positions: [Int] = []
        let decoder = JSONDecoder()
        for (i, item) in items.enumerated() {
            guard item is [String: Any], let object = try? JSONSerialization.data(withJSONObject: item) else {
                problems.append(Problem(place: .task(i + 1), field: nil, message: "not a JSON object of a task"))
                continue
            }
            let tw: TaskwarriorTask
            do { tw = try decoder.decode(TaskwarriorTask.self, from: object) } catch {
                let found = DecodingProblem(error)
                problems.append(Problem(place: .task(i + 1), field: found?.field,
                                        message: "not a task of Taskwarrior's export" + (found.map { " (\($0.text))" } ?? "")))
                continue
            }
            if batch.add(tw) { positions.append(i + 1) }
        }
        problems += ruleProblems(batch.tasks) { .task(positions[$0]) }
        guard problems.isEmpty else { throw Refusal(problems: problems.sorted()) }
        return batch
    }

    /// JSON Lines: ours or Taskwarrior's, one task per line; blank lines skipped.
    private static func lines(_ data: Data) throws(Refusal) -> Batch {
        var batch = Batch()
        var problems: [Problem] = []
        var numbers: [Int] = []
        let decoder = JSONDecoder()
        for (i, text) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            if text.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let number = i + 1
            let line: Line
            do { line = try decoder.decode(Line.self, from: Data(text)) } catch {
                let found = DecodingProblem(error)
                problems.append(Problem(place: .line(number), field: found?.field,
                                        message: "expected a JSON object exported by `todo export`, or with a \"title\"" + (found.map { " (\($0.text))" } ?? "")))
                continue
            }
            if let repeated = RepeatedJSONKey.first(in: text) {
                problems.append(Problem(place: .line(number), field: repeated, message: "\"\(repeated)\" is given twice; give each field once"))
                continue
            }
            switch line {
            case .ours(let exported):
                do {
                    batch.tasks.append(try exported.task())
                    numbers.append(number)
                } catch let problem as ExportedTask.Problem {
                    problems.append(Problem(place: .line(number), field: problem.field, message: problem.message))
                } catch {
                    problems.append(Problem(place: .line(number), field: nil, message: "\(error)"))
                }
            case .taskwarrior(let tw):
                if batch.add(tw) { numbers.append(number) }
            }
        }
        problems += ruleProblems(batch.tasks) { .line(numbers[$0]) }
        guard problems.isEmpty else { throw Refusal(problems: problems.sorted()) }
        return batch
    }

    /// The rules every stored task keeps (`TaskRules`), checked before anything is written.
    private static func ruleProblems(_ tasks: [TodoTask], place: (Int) -> Place) -> [Problem] {
        tasks.enumerated().compactMap { i, task in
            TaskRules.problem(with: task).map { Problem(place: place(i), field: $0.field, message: $0.description) }
        }
    }

    /// One line: ours (it has a "title") or Taskwarrior's (a "description" and no title).
    private enum Line: Decodable {
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
