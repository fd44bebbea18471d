import Foundation
import Testing
@testable import Inference

/// pytorch_model.bin: the same models as the safetensors checkpoints, and hostile files refused.
@Suite struct PyTorchCheckpointTests {
    static let hostile = ModelFixtures.fixtures.appendingPathComponent("nli/hostile")

    @Test(arguments: ["bert", "roberta", "bart"])
    func binCheckpointsGiveTheSameLogits(arch: String) throws {
        let input = ModelFixtures.fixtures.appendingPathComponent("nli/\(arch)/checkpoint-bin")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("nli-bin-\(arch)-\(UUID().uuidString)")
        let summary = try CheckpointConverter(input: input, output: output).convert(name: arch)
        let fromBin = try ModelBundle(directory: output)
        let fromSafetensors = try ZeroShotTests.bundle(arch)
        // Identical weights whichever format they came from (the .bin may add tied aliases such as
        // BART's embed_tokens, which transformers' safetensors export leaves out).
        for (name, entry) in fromSafetensors.weights.entries {
            guard let other = fromBin.weights.entries[name] else { Issue.record("\(name) missing from the .bin conversion"); continue }
            let same = fromSafetensors.weights.bytes(of: entry).elementsEqual(fromBin.weights.bytes(of: other))
            #expect(same, "\(name) differs")
        }
        let classifier = try SequenceClassifier(bundle: fromBin)
        var worst: Float = 0
        for row in try ModelFixtures.lines("nli/\(arch)/logits.jsonl", as: ZeroShotTests.LogitsRow.self) {
            let e = try fromBin.tokenizer.encode(row.premise, pair: row.hypothesis)
            var batch = PackedBatch()
            batch.append(ids: e.ids, typeIds: e.typeIds)
            worst = max(worst, maxAbsDifference(row.logits, try classifier.logits(batch)[0]))
        }
        #expect(worst <= 1e-4)
        if arch == "bart" {
            // Tied embeddings: three names over one storage in the pickle; the bundle keeps them, the model ignores the aliases.
            let checkpoint = try PyTorchCheckpoint(path: input.appendingPathComponent("pytorch_model.bin").path)
            let shared = checkpoint.tensors["model.shared.weight"]!.storage
            #expect(checkpoint.tensors["model.encoder.embed_tokens.weight"]?.storage == shared)
            #expect(try checkpoint.float32("model.decoder.embed_tokens.weight") == checkpoint.float32("model.shared.weight"))
            #expect(summary.tensorCount > 0)
        }
    }

    @Test func readsAPlainStateDict() throws {
        let checkpoint = try PyTorchCheckpoint(path: Self.hostile.appendingPathComponent("plain.bin").path)
        #expect(try checkpoint.float32("w") == [1, 1, 1, 1])
    }

    @Test func refusesCodeInThePickleWithoutRunningIt() throws {
        let marker = "/tmp/smart-todo-pwned"
        try? FileManager.default.removeItem(atPath: marker)
        let path = Self.hostile.appendingPathComponent("exploit.bin").path
        do {
            _ = try PyTorchCheckpoint(path: path)
            Issue.record("a pickle calling os.system was accepted")
        } catch let TorchCheckpointError.unsupportedPickle(p, detail) {
            #expect(p == path)
            #expect(detail.contains("system") && detail.contains("refusing"), "\(detail)")
        }
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test func refusesCompressedAndTruncatedArchives() throws {
        let compressed = Self.hostile.appendingPathComponent("compressed.bin").path
        #expect(throws: TorchCheckpointError.self) { try PyTorchCheckpoint(path: compressed) }
        do { _ = try PyTorchCheckpoint(path: compressed) } catch let TorchCheckpointError.badZip(_, reason) {
            #expect(reason.contains("compressed"))
        }
        let truncated = Self.hostile.appendingPathComponent("truncated.bin").path
        #expect(throws: TorchCheckpointError.self) { try PyTorchCheckpoint(path: truncated) }
    }

    @Test func unpicklerRefusesUnknownOpcodesAndTruncation() {
        let pickle = TorchPickle(path: "x")
        #expect(throws: TorchCheckpointError.self) { try pickle.load([0x80, 0x02, 0x63] + Array("builtins\neval\n".utf8)) }
        #expect(throws: TorchCheckpointError.unsupportedPickle(path: "x", detail: "unsupported pickle opcode 0x49 at byte 3")) {
            try pickle.load([0x80, 0x02, 0x49, 0x31, 0x0A, 0x2E])  // INT (text protocol): not what torch.save writes
        }
        #expect(throws: TorchCheckpointError.unsupportedPickle(path: "x", detail: "the pickle has no STOP (truncated)")) {
            try pickle.load([0x80, 0x02, 0x7D])
        }
    }
}
