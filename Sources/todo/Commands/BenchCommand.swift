import ArgumentParser
import Foundation
import Tokenizers

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Smart TODO's speed side by side with the Hugging Face reference.",
        discussion: """
        Build in release mode first (swift build -c release). The reference side runs in
        the venv that Tools/bench/setup.sh creates (.venv-bench), or the Python given by
        --python / SMART_TODO_BENCH_PYTHON; without one, only our figures are printed.

        Tokenizer: the same corpus of to-do texts, encoded one text at a time on one
        thread by ours and by Hugging Face `tokenizers`; throughputs and their ratio.

        Examples:
          bash Tools/bench/setup.sh && .build/release/todo bench
          .build/release/todo bench --json | tail -1
        """
    )

    @Option(help: "Tokenizer to measure (file or directory). Default: the all-MiniLM-L6-v2 bundle.")
    var tokenizer: String?

    @Option(help: "Python of the reference venv.")
    var python: String?

    @Option(help: "Passes over the corpus; the best counts.")
    var passes: Int = 3

    @Flag(help: "End with one JSON object of all figures.")
    var json = false

    func validate() throws {
        guard passes >= 1 else { throw ValidationError("--passes must be 1 or more.") }
    }

    func run() throws {
        let tokenizerPath = tokenizer ?? DefaultPaths.defaultTokenizer.path
        let tok: Tokenizer
        do { tok = try Tokenizer.load(from: tokenizerPath) } catch {
            throw ValidationError("Cannot load the tokenizer at \(tokenizerPath): \(error.localizedDescription)\nFetch weights with `bash Tools/fetch-weights.sh` or pass --tokenizer.")
        }
        let texts = BenchCorpus.texts()
        let bytes = texts.reduce(0) { $0 + $1.utf8.count }
        printError("tokenizer: \(texts.count) texts, \(bytes / 1024) KiB, \(passes) passes, 1 thread")

        var ours = Double.infinity, tokens = 0
        for _ in 0..<passes {
            let start = DispatchTime.now().uptimeNanoseconds
            var n = 0
            for t in texts { n += try tok.encode(t).count }
            ours = min(ours, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            tokens = n
        }
        var report = BenchReport()
        report.add("tokenizer_ours_mb_s", Double(bytes) / ours / 1e6, "tokenizer (ours)", unit: "MB/s")
        report.add("tokenizer_ours_tokens_s", Double(tokens) / ours, "tokenizer (ours)", unit: "tokens/s")

        let root = DefaultPaths.packageRoot
        if let reference = ReferenceRunner.locate(explicit: python, packageRoot: root) {
            let jsonFile = try tokenizerJSONPath(tokenizerPath)
            let corpus = FileManager.default.temporaryDirectory.appendingPathComponent("smart-todo-bench-corpus-\(getpid()).jsonl")
            defer { try? FileManager.default.removeItem(at: corpus) }
            try texts.map { try JSONOutput.line(["text": $0]) }.joined(separator: "\n").write(to: corpus, atomically: true, encoding: .utf8)
            let result = try reference.run("tokenizer_reference.py", ["--tokenizer", jsonFile, "--corpus", corpus.path, "--passes", String(passes)])
            let theirs = result["seconds"]!.value
            if Int(result["tokens"]!.value) != tokens {
                printError("warning: token counts differ (ours \(tokens), reference \(Int(result["tokens"]!.value)))")
            }
            report.add("tokenizer_hf_mb_s", Double(bytes) / theirs / 1e6, "tokenizer (HF tokenizers)", unit: "MB/s")
            report.add("tokenizer_hf_tokens_s", Double(tokens) / theirs, "tokenizer (HF tokenizers)", unit: "tokens/s")
            report.add("tokenizer_speedup_vs_hf", theirs / ours, "tokenizer ours ÷ HF (throughput ratio)", unit: "×")
        } else {
            printError("no reference venv: run `bash Tools/bench/setup.sh` to measure Hugging Face side by side")
        }
        report.print(json: json)
    }

    /// The reference reads tokenizer.json; a directory bundle holds one.
    private func tokenizerJSONPath(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let file = isDirectory.boolValue ? URL(fileURLWithPath: path).appendingPathComponent("tokenizer.json").path : path
        guard file.hasSuffix(".json"), FileManager.default.fileExists(atPath: file) else {
            throw ValidationError("The reference side needs a tokenizer.json; \(path) has none.")
        }
        return file
    }
}

/// Figures of one benchmark run, printed as a table and optionally as JSON.
struct BenchReport {
    private(set) var rows: [(key: String, label: String, value: Double, unit: String)] = []

    mutating func add(_ key: String, _ value: Double, _ label: String, unit: String) {
        rows.append((key, label, value, unit))
    }

    func print(json: Bool) {
        for row in rows {
            Swift.print("\(row.label.padding(toLength: 40, withPad: " ", startingAt: 0)) \(format(row.value)) \(row.unit)")
        }
        if json {
            var object: [String: Double] = [:]
            for row in rows { object[row.key] = (row.value * 1000).rounded() / 1000 }
            Swift.print((try? JSONOutput.line(object)) ?? "{}")
        }
    }

    private func format(_ v: Double) -> String {
        v >= 100 ? String(Int(v.rounded())) : String(format: "%.2f", v)
    }
}
