import Foundation
import TaskService

/// Where the CLI finds installed model bundles: `SMART_TODO_WEIGHTS`, else the
/// `Weights/` directory next to the working directory or the executable's package.
enum DefaultPaths {
    static var weightsDirectory: URL {
        if let env = ProcessInfo.processInfo.environment["SMART_TODO_WEIGHTS"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Weights")
        if FileManager.default.fileExists(atPath: cwd.appendingPathComponent("models.json").path) { return cwd }
        return packageRoot.appendingPathComponent("Weights")
    }

    /// The package checkout holding this executable (`.build/<config>/todo`), else the working directory.
    static var packageRoot: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }

    /// The embedding model's bundle.
    static var defaultEmbeddingModel: URL { weightsDirectory.appendingPathComponent(ModelRegistry.embeddingBundleName) }

    /// The default tokenizer is the embedding model's.
    static var defaultTokenizer: URL { defaultEmbeddingModel }
}
