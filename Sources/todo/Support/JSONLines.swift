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

    /// The lines' values; the first line that does not read is named, with why.
    static func read<T: Decodable>(_ path: String, data: Data, as type: T.Type, expected shape: String) throws -> [(line: Int, value: T)] {
        var out: [(line: Int, value: T)] = []
        let decoder = JSONDecoder()
        for (i, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            guard String(validating: line, as: UTF8.self) != nil else { throw CommandFailure("\(path):\(i + 1): not valid UTF-8") }
            do { out.append((i + 1, try decoder.decode(T.self, from: Data(line)))) } catch {
                throw CommandFailure("\(path):\(i + 1): expected a JSON object \(shape)" + (DecodingProblem(error).map { " (\($0.text))" } ?? ""))
            }
        }
        return out
    }
}
