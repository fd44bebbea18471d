import Foundation
import TestSupport
import Testing
@testable import TaskService

/// Weights changed after install are never used: `todo models --verify` fails, and a command
/// that needs the model says the bundle is damaged instead of answering with it.
@Suite struct ModelIntegrityTests {
    @Test func damagedWeightsAreRefusedAndVerifyFails() throws {
        let weights = FileManager.default.temporaryDirectory.appendingPathComponent("weights-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: weights, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: weights) }
        let bundle = weights.appendingPathComponent(ModelRegistry.embeddingBundleName)
        try FileManager.default.copyItem(at: PackagePaths.weights.appendingPathComponent(ModelRegistry.embeddingBundleName), to: bundle)
        let cli = TodoCLI()
        let env = ["SMART_TODO_WEIGHTS": weights.path]
        #expect(try cli.todo(["models", "--verify"], environment: env).status == 0)

        let file = bundle.appendingPathComponent("model.safetensors")
        let handle = try FileHandle(forUpdating: file)
        try handle.seek(toOffset: 50_000_000)
        let byte = try handle.read(upToCount: 1)![0]
        try handle.seek(toOffset: 50_000_000)
        try handle.write(contentsOf: Data([byte ^ 0x5A]))
        try handle.close()

        let listed = try cli.todo(["models"], environment: env)
        #expect(listed.status == 0 && listed.out.contains("changed since its checksums last matched"), "\(listed.out)")
        let verify = try cli.todo(["models", "--verify"], environment: env)
        #expect(verify.status == 1 && verify.out.contains("FAILED: model.safetensors does not match its checksum"), "\(verify.out)")
        // The task is stored and queued; the damaged weights compute nothing.
        let added = try cli.todo(["add", "Renew the passport", "--json"], environment: env)
        #expect(added.status == 0 && added.err.contains("is damaged: model.safetensors does not match its checksum"), "\(added.err)")
        let task = try JSONSerialization.jsonObject(with: Data(added.out.utf8)) as! [String: Any]
        #expect((task["provenance"] as? [String: Any])?.isEmpty == true && task["category"] is NSNull)
    }
}
