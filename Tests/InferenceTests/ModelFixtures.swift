import Foundation
import TestSupport
import Testing
@testable import Inference

/// The real all-MiniLM-L6-v2 bundle (installed by Tools/fetch-weights.sh, which the
/// README's test command runs) and the golden files next to these tests.
enum ModelFixtures {
    static let packageRoot = PackagePaths.root
    static let fixtures = PackagePaths.fixtures("InferenceTests")

    static func miniLM() throws -> ModelBundle {
        let dir = packageRoot.appendingPathComponent("Weights/all-MiniLM-L6-v2")
        guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("config.json").path) else {
            throw MissingWeights(path: dir.path)
        }
        return try ModelBundle(directory: dir)
    }

    struct MissingWeights: Error, CustomStringConvertible {
        var path: String
        var description: String { "no bundle at \(path): run `bash Tools/fetch-weights.sh` (the README's test command does)" }
    }

    /// The all-mpnet-base-v2 bundle: installed on request only (`bash Tools/fetch-weights.sh all-mpnet-base-v2`).
    static let mpnetDirectory = packageRoot.appendingPathComponent("Weights/all-mpnet-base-v2")
    static var mpnetInstalled: Bool { FileManager.default.fileExists(atPath: mpnetDirectory.appendingPathComponent("config.json").path) }
    static let mpnetMissing: Comment = "all-mpnet-base-v2 is not installed: run `bash Tools/fetch-weights.sh all-mpnet-base-v2` to test it"

    static func mpnet() throws -> ModelBundle {
        guard mpnetInstalled else { throw MissingWeights(path: mpnetDirectory.path) }
        return try ModelBundle(directory: mpnetDirectory)
    }

    static func lines<T: Decodable>(_ name: String, as: T.Type) throws -> [T] {
        let data = try Data(contentsOf: fixtures.appendingPathComponent(name))
        return try data.split(separator: UInt8(ascii: "\n")).map { try JSONDecoder().decode(T.self, from: Data($0)) }
    }
}

func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for i in a.indices { dot += Double(a[i]) * Double(b[i]); na += Double(a[i]) * Double(a[i]); nb += Double(b[i]) * Double(b[i]) }
    return dot / (na.squareRoot() * nb.squareRoot())
}

func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
