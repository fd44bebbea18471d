import Foundation
import TaskService
import TestSupport
import Testing

/// A weights folder with the MiniLM bundle (linked) and the random-weight BERT NLI fixture,
/// converted by the `convert-weights` built beside `todo`, as a user would.
enum NLIWeights {
    static func make() throws -> URL {
        let weights = FileManager.default.temporaryDirectory.appendingPathComponent("weights-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: weights, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: weights.appendingPathComponent(ModelRegistry.embeddingBundleName),
                                                   withDestinationURL: PackagePaths.weights.appendingPathComponent(ModelRegistry.embeddingBundleName))
        let p = Process()
        p.executableURL = TodoCLI.binary.deletingLastPathComponent().appendingPathComponent("convert-weights")
        p.arguments = [PackagePaths.fixtures("InferenceTests").appendingPathComponent("nli/bert/checkpoint").path,
                       weights.appendingPathComponent("nli-bert").path, "--name", "nli-bert"]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "convert-weights failed"]) }
        return weights
    }
}

/// `todo classify`: zero-shot with the installed NLI bundle, or how to install one.
@Suite struct ClassifyCommandLineTests {
    @Test func classifyFindsTheInstalledNLIBundleOrSaysHowToInstallOne() throws {
        let cli = CommandLineTests()
        let missing = try cli.todo(["classify", "Pay the bill", "--labels", "finance,work"], environment: ["SMART_TODO_WEIGHTS": "/nonexistent-weights"])
        #expect(missing.status == 1 && missing.err.contains("No NLI model installed") && missing.err.contains("convert-weights"))
        let found = try cli.todo(["classify", "Pay the bill", "--labels", "finance,work", "--json"],
                                 environment: ["SMART_TODO_WEIGHTS": try NLIWeights.make().path])
        #expect(found.status == 0, "\(found.err)")
        let result = try JSONSerialization.jsonObject(with: Data(found.out.utf8)) as! [String: Any]
        #expect(Set(result["labels"] as! [String]) == ["finance", "work"])
    }
}
