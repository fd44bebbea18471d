import Foundation
import TaskService

/// `--batch FILE.jsonl` input for every command: one JSON object per line, blank
/// lines skipped, `-` for standard input; errors name the file and the line.
enum JSONLines {
    static func read<T: Decodable>(_ path: String, as type: T.Type, expected shape: String) throws -> [(line: Int, value: T)] {
        let data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: path)
        guard let data else { throw CommandFailure("Cannot read \(path): no such file, or not readable.") }
        return try read(path, data: data, as: type, expected: shape)
    }

    static func read<T: Decodable>(_ path: String, data: Data, as type: T.Type, expected shape: String) throws -> [(line: Int, value: T)] {
        let (values, problems) = readEach(path, data: data, as: type, expected: shape)
        if let first = problems.first { throw CommandFailure(first.message) }
        return values
    }

    /// A line that could not be read, named by its place.
    struct LineProblem: Comparable {
        var line: Int
        var message: String

        static func < (a: Self, b: Self) -> Bool { a.line < b.line }
    }

    /// Every line that reads, and every one that does not, with why.
    static func readEach<T: Decodable>(_ path: String, data: Data, as type: T.Type, expected shape: String) -> (values: [(line: Int, value: T)], problems: [LineProblem]) {
        var (out, problems): ([(Int, T)], [LineProblem]) = ([], [])
        let decoder = JSONDecoder()
        for (i, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            guard String(validating: line, as: UTF8.self) != nil else {
                problems.append(LineProblem(line: i + 1, message: "\(path):\(i + 1): not valid UTF-8"))
                continue
            }
            do { out.append((i + 1, try decoder.decode(T.self, from: Data(line)))) } catch {
                problems.append(LineProblem(line: i + 1, message: "\(path):\(i + 1): expected a JSON object \(shape)" + (problem(error).map { " (\($0))" } ?? "")))
            }
        }
        return (out, problems)
    }

    /// What the decoder found wrong, in the line's own terms (`DecodingProblem`).
    static func problem(_ error: Error) -> String? { DecodingProblem(error)?.text }
}
