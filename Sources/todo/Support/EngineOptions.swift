import ArgumentParser
import Foundation
import Inference

/// Options every model-running command shares.
struct EngineOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Threads for the engine (default: SMART_TODO_THREADS, else OPENBLAS_NUM_THREADS, else all cores).", valueName: "n"))
    var threads: Int?

    /// A bad setting is a usage error before the command does anything (`todo add --threads 0`
    /// stored the task, then could not enrich it).
    func validate() throws { _ = try resolved() }

    private func resolved() throws -> Int {
        do { return try ThreadSetting.resolve(explicit: threads) } catch let error as ThreadSettingError { throw ValidationError(error.description) }
    }

    /// Applies the thread setting; call before running a model.
    func applyThreads() throws -> Int {
        let n = try resolved()
        ThreadSetting.apply(n)
        return n
    }
}

/// Opens the sentence-embedding bundle, explaining how to install it when missing.
func openEmbeddingBundle(_ path: String?) throws -> ModelBundle {
    let directory = path.map { URL(fileURLWithPath: $0) } ?? DefaultPaths.defaultEmbeddingModel
    guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("config.json").path) else {
        throw CommandFailure("""
            No model bundle at \(directory.path).
            Install the default all-MiniLM-L6-v2 bundle with `bash Tools/fetch-weights.sh`, another model
            of Weights/models.json with `todo models install NAME` (all-mpnet-base-v2),
            or convert a checkpoint with `convert-weights IN_DIR OUT_DIR` and pass --model OUT_DIR.
            """)
    }
    return try ModelBundle(directory: directory)
}
