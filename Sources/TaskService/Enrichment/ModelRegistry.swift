import Foundation
import Inference
import Synchronization

/// The installed models, each loaded at most once per process and only when a
/// result is not already cached: a cache hit reads config.json and nothing else.
public final class ModelRegistry: Sendable {
    public let weightsDirectory: URL
    /// The sentence-embedding bundle's directory name in `weightsDirectory` (settings `model`).
    public let embeddingModel: String
    private let embedderState = Mutex<SentenceEmbedder?>(nil)
    private let classifierState = Mutex<ZeroShotClassifier?>(nil)

    public init(weightsDirectory: URL, embeddingModel: String = ModelRegistry.embeddingBundleName) {
        self.weightsDirectory = weightsDirectory
        self.embeddingModel = embeddingModel
    }

    /// The default embedding model: small enough for a fresh `todo add` to stay well under 60 ms.
    public static let embeddingBundleName = "all-MiniLM-L6-v2"

    /// The command that installs the embedding model `name`: the default one comes with the
    /// repository's setup script, the others from Weights/models.json.
    public static func installCommand(for name: String) -> String {
        name == embeddingBundleName ? "bash Tools/fetch-weights.sh" : "todo models install \(name)"
    }

    /// The registry of embedding model `name` in the same weights directory: this one when it
    /// is this one's model, so a model is loaded once.
    public func sibling(_ name: String) -> ModelRegistry {
        name == embeddingModel ? self : ModelRegistry(weightsDirectory: weightsDirectory, embeddingModel: name)
    }

    /// The registry of the model search embeds with: `search.model`'s, else this one.
    public func searching(_ search: SearchSettings) -> ModelRegistry {
        search.model.isEmpty ? self : sibling(search.model)
    }

    /// Whether a fresh `todo add` may enrich with the embedding model before it returns. The
    /// default's 23 million parameters do it in about 40 ms; all-mpnet-base-v2's 109 million take
    /// twice that, past the 60 ms an add may take, so a larger model enriches in the background
    /// (`todo enrich --watch --idle-exit`). True when it is not installed: nothing to wait for.
    public var enrichesInline: Bool {
        guard let config = try? Self.config(embeddingDirectory) else { return true }
        return Self.enrichesInline(config)
    }

    public static func enrichesInline(_ config: BundleConfig) -> Bool { config.conversion.parameters <= 50_000_000 }

    /// Whether the embedding model is installed: its config.json is there and reads (nothing is loaded).
    public var isInstalled: Bool { (try? embeddingFingerprint()) != nil }

    /// The embedding model's fingerprint; a clear error naming how to install it when it is not.
    public func requiredFingerprint() throws -> String {
        guard let model = try embeddingFingerprint() else { throw EnrichmentError.modelMissing(path: embeddingDirectory.path, name: embeddingModel) }
        return model
    }

    public var embeddingDirectory: URL { weightsDirectory.appendingPathComponent(embeddingModel) }

    /// The embedding model's fingerprint from its config.json; nil when it is not installed.
    public func embeddingFingerprint() throws -> String? {
        try Self.config(embeddingDirectory)?.fingerprint
    }

    /// Whether the embedding model has been loaded by this registry (a cache hit does not load it).
    public var embedderLoaded: Bool { embedderState.withLock { $0 != nil } }

    public func embedder() throws -> SentenceEmbedder {
        try embedderState.withLock { state in
            if let e = state { return e }
            guard FileManager.default.fileExists(atPath: embeddingDirectory.appendingPathComponent(BundleConfig.fileName).path) else {
                throw EnrichmentError.modelMissing(path: embeddingDirectory.path, name: embeddingModel)
            }
            let e = try SentenceEmbedder(bundle: ModelBundle.verified(directory: embeddingDirectory))
            state = e
            return e
        }
    }

    /// Starts loading the embedding model on another core for a caller with other work to do
    /// before it embeds: `embedder()` then waits for this load instead of starting its own. A
    /// failed load is left for that call to repeat and report.
    public func preloadEmbedder() {
        guard !embedderLoaded else { return }
        DispatchQueue.global().async { _ = try? self.embedder() }
    }

    /// The installed sentence-embedding bundles by name, the default first.
    public func embeddingModels() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: weightsDirectory.path))?.filter { !$0.hasPrefix(".") } ?? []
        return names.filter { (try? Self.config(weightsDirectory.appendingPathComponent($0)))??.task == "sentence-embedding" }
            .sorted { ($0 == Self.embeddingBundleName ? 0 : 1, $0) < ($1 == Self.embeddingBundleName ? 0 : 1, $1) }
    }

    /// The first installed sequence-classification (NLI) bundle, by directory name.
    public func zeroShotDirectory() -> URL? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: weightsDirectory.path))?.filter { !$0.hasPrefix(".") }.sorted() ?? []
        return names.map { weightsDirectory.appendingPathComponent($0) }.first { (try? Self.config($0))??.task == "sequence-classification" }
    }

    public func zeroShot() throws -> ZeroShotClassifier? {
        guard let directory = zeroShotDirectory() else { return nil }
        return try classifierState.withLock { state in
            if let c = state { return c }
            let c = try ZeroShotClassifier(bundle: ModelBundle.verified(directory: directory))
            state = c
            return c
        }
    }

    static func config(_ directory: URL) throws -> BundleConfig? {
        let url = directory.appendingPathComponent(BundleConfig.fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            return try JSONDecoder().decode(BundleConfig.self, from: Data(contentsOf: url))
        } catch {
            throw BundleError.badConfig(path: url.path, detail: "\(error)")
        }
    }
}

public enum EnrichmentError: Error, CustomStringConvertible, Equatable {
    case modelMissing(path: String, name: String)
    /// Stopped between two windows by its `WindowProgress`, `reason` saying why; nothing retried
    /// or counted as failed: the jobs stay queued as they were.
    case stopped(reason: String)

    public var isStop: Bool {
        if case .stopped = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .modelMissing(let path, let name):
            return "no embedding model at \(path); install it with `\(ModelRegistry.installCommand(for: name))`. Tasks are never lost: AI fields wait in the queue until then"
        case .stopped(let reason):
            return "enrichment stopped: \(reason); its jobs stay queued"
        }
    }
}
