import Foundation
import Inference
import TaskService

/// The models `todo models install` can fetch: Weights/models.json (the weights directory's copy,
/// else this checkout's).
struct ModelManifest {
    let file: URL
    let names: [String]

    /// `explicit`: a models.json named with `--manifest`.
    static func read(explicit: String? = nil) throws -> ModelManifest {
        let local = DefaultPaths.weightsDirectory.appendingPathComponent("models.json")
        let file = explicit.map { URL(fileURLWithPath: $0) }
            ?? (FileManager.default.fileExists(atPath: local.path) ? local : DefaultPaths.packageRoot.appendingPathComponent("Weights/models.json"))
        struct Listing: Decodable { struct Model: Decodable { var name: String }; var models: [Model] }
        do {
            return ModelManifest(file: file, names: try JSONDecoder().decode(Listing.self, from: Data(contentsOf: file)).models.map(\.name))
        } catch {
            throw CommandFailure("Cannot read \(file.path): \(error.localizedDescription)")
        }
    }

    /// A model name the settings or `--model` give is installed, or one `todo models install` knows:
    /// anything else is a typo, named at once rather than queuing every task for a model that will
    /// never come. (A stat when the model is installed: every command that enriches asks.)
    static func checkKnown(_ name: String, weights: URL = DefaultPaths.weightsDirectory) throws {
        guard name != ModelRegistry.embeddingBundleName,
              !FileManager.default.fileExists(atPath: weights.appendingPathComponent(name).appendingPathComponent(BundleConfig.fileName).path)
        else { return }
        let installable = (try? read().names) ?? []
        guard !installable.contains(name) else { return }
        let installed = ModelRegistry(weightsDirectory: weights).embeddingModels()
        let have = installed.isEmpty ? "none is installed" : "installed: " + installed.joined(separator: ", ")
        let more = installable.filter { !installed.contains($0) }
        throw CommandFailure("Unknown embedding model '\(TaskText.oneLine(name))' (\(have)"
                             + (more.isEmpty ? "" : "; `todo models install` fetches " + more.joined(separator: ", ")) + "). `todo models` lists them.")
    }
}
