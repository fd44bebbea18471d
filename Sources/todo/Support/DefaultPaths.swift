import Foundation

/// Where the CLI finds installed model bundles: `SMART_TODO_WEIGHTS`, else the
/// `Weights/` directory next to the working directory or the executable's package.
enum DefaultPaths {
    static var weightsDirectory: URL {
        if let env = ProcessInfo.processInfo.environment["SMART_TODO_WEIGHTS"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Weights")
        if FileManager.default.fileExists(atPath: cwd.path) { return cwd }
        // .build/<config>/todo → package root
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("Weights")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("models.json").path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return cwd
    }

    /// The embedding model's bundle, whose tokenizer is the default one.
    static var defaultTokenizer: URL { weightsDirectory.appendingPathComponent("all-MiniLM-L6-v2") }
}
