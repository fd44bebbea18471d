import Foundation

/// Runs the Python reference side of a benchmark (Tools/bench) and reads its JSON answer.
struct ReferenceRunner {
    let python: String
    let scriptsDirectory: URL

    /// The reference venv from `--python`, `SMART_TODO_BENCH_PYTHON`, or `.venv-bench/` of the package.
    static func locate(explicit: String?, packageRoot: URL) -> ReferenceRunner? {
        let scripts = packageRoot.appendingPathComponent("Tools/bench")
        let candidates: [String?] = [explicit, ProcessInfo.processInfo.environment["SMART_TODO_BENCH_PYTHON"],
                                     packageRoot.appendingPathComponent(".venv-bench/bin/python").path]
        for case let path? in candidates where !path.isEmpty && FileManager.default.isExecutableFile(atPath: path) {
            return ReferenceRunner(python: path, scriptsDirectory: scripts)
        }
        return nil
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    func run(_ script: String, _ arguments: [String]) throws -> [String: JSONNumber] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [scriptsDirectory.appendingPathComponent(script).path] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(script) failed (\(process.terminationStatus)): \(String(decoding: errors, as: UTF8.self))")
        }
        let lastLine = String(decoding: data, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        return try JSONDecoder().decode([String: JSONNumber].self, from: Data(lastLine.utf8))
    }
}

/// A JSON number as the reference scripts print them.
struct JSONNumber: Decodable {
    var value: Double
    init(from decoder: Decoder) throws { value = try decoder.singleValueContainer().decode(Double.self) }
}
