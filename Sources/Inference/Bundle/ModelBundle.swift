import Foundation
import Tokenizers

/// A converted model on disk: our config.json, model.safetensors (float32,
/// Hugging Face names, mmapped) and the tokenizer files. Opening one is an mmap
/// and two small JSON reads; nothing is copied.
public final class ModelBundle: Sendable {
    public static let weightsFile = "model.safetensors"

    public let directory: URL
    public let config: BundleConfig
    public let weights: SafetensorsFile
    public let tokenizer: Tokenizer

    public init(directory: URL) throws {
        self.directory = directory
        let configURL = directory.appendingPathComponent(BundleConfig.fileName)
        guard FileManager.default.fileExists(atPath: configURL.path) else { throw BundleError.notABundle(path: directory.path) }
        do {
            config = try JSONDecoder().decode(BundleConfig.self, from: Data(contentsOf: configURL))
        } catch {
            throw BundleError.badConfig(path: configURL.path, detail: "\(error)")
        }
        guard config.format == BundleConfig.formatName else { throw BundleError.notABundle(path: directory.path) }
        weights = try SafetensorsFile(path: directory.appendingPathComponent(Self.weightsFile).path)
        tokenizer = try Tokenizer.load(from: directory.appendingPathComponent(config.tokenizerFile).path)
    }

    /// The Hugging Face model configuration decoded as `T`.
    public func modelConfig<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: JSONEncoder().encode(config.model))
        } catch {
            throw BundleError.badConfig(path: directory.appendingPathComponent(BundleConfig.fileName).path, detail: "model: \(error)")
        }
    }

    /// Recomputes every file's sha256 and the fingerprint; nil when all match, else what differs.
    /// A match is remembered (`BundleSeal`), so later loads need not hash the files again.
    public func verify() throws -> String? {
        try verifyAndSeal()
    }

    func verifyFiles() throws -> String? {
        for (name, digest) in config.files.sorted(by: { $0.key < $1.key }) {
            let path = directory.appendingPathComponent(name).path
            guard FileManager.default.fileExists(atPath: path) else { return "\(name) is missing" }
            if try SHA256.hex(ofFile: path) != digest { return "\(name) does not match its checksum" }
        }
        return try config.computedFingerprint() == config.fingerprint ? nil : "the fingerprint does not match the configuration"
    }
}

public enum BundleError: Error, Equatable, LocalizedError, CustomStringConvertible {
    case notABundle(path: String)
    case badConfig(path: String, detail: String)
    case wrongTask(path: String, expected: String, actual: String)
    case corrupt(path: String, problem: String)

    public var errorDescription: String? {
        switch self {
        case .notABundle(let path):
            return "\(path) is not a Smart TODO model bundle (no config.json in bundle format). Install the default one with `bash Tools/fetch-weights.sh`, or convert a Hugging Face checkpoint with `convert-weights IN_DIR OUT_DIR`."
        case .badConfig(let path, let detail): return "\(path): \(detail)"
        case .wrongTask(let path, let expected, let actual): return "\(path) is a \(actual) model; this needs a \(expected) model"
        case .corrupt(let path, let problem):
            return "the model bundle \(path) is damaged: \(problem), so it is not used. Install it again with `bash Tools/fetch-weights.sh` (or `convert-weights` for your own)"
        }
    }

    public var description: String { errorDescription ?? "model bundle error" }
}
