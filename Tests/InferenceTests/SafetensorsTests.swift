import Foundation
import Testing
@testable import Inference
import Tokenizers
import SeededRandom

/// Writing, reading and refusing safetensors files.
@Suite struct SafetensorsTests {
    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("safetensors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A valid file with three tensors, as bytes.
    static func sampleBytes() throws -> [UInt8] {
        let url = try scratch().appendingPathComponent("sample.safetensors")
        let a: [Float] = [1, 2, 3, 4, 5, 6], b: [Float] = [0.5, -0.5], c: [Float] = [7]
        try a.withUnsafeBufferPointer { pa in
            try b.withUnsafeBufferPointer { pb in
                try c.withUnsafeBufferPointer { pc in
                    try SafetensorsWriter.write([("layer.weight", [2, 3], pa), ("layer.bias", [2], pb), ("scale", [], pc)], to: url)
                }
            }
        }
        return Array(try Data(contentsOf: url))
    }

    static func write(_ bytes: [UInt8]) throws -> String {
        let url = try scratch().appendingPathComponent("t.safetensors")
        try Data(bytes).write(to: url)
        return url.path
    }

    /// A file with a hand-written header and `dataSize` zero bytes of data.
    static func file(header: String, dataSize: Int) throws -> String {
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) }
        bytes += Array(header.utf8) + [UInt8](repeating: 0, count: dataSize)
        return try write(bytes)
    }

    @Test func roundTripIsZeroCopyAndAligned() throws {
        let path = try Self.write(try Self.sampleBytes())
        let file = try SafetensorsFile(path: path)
        #expect(Set(file.entries.keys) == ["layer.weight", "layer.bias", "scale"])
        let w = try file.float32("layer.weight", shape: [2, 3])
        #expect(w.values == [1, 2, 3, 4, 5, 6])
        #expect(Int(bitPattern: w.pointer) % 4 == 0)
        let isView = w.owner === file  // a view into the mapping, not a copy (hoisted: the macro crashes swiftc on ===)
        #expect(isView)
        #expect(try file.float32("scale", shape: []).values == [7])
    }

    @Test func namesTheTensorInEveryError() throws {
        let file = try SafetensorsFile(path: Self.write(try Self.sampleBytes()))
        #expect(throws: SafetensorsError.missingTensor(path: file.path, tensor: "nope")) { try file.float32("nope", shape: [1]) }
        #expect(throws: SafetensorsError.wrongShape(path: file.path, tensor: "layer.weight", expected: [3, 2], actual: [2, 3])) {
            try file.float32("layer.weight", shape: [3, 2])
        }
    }

    @Test func truncatedFile() throws {
        let bytes = try Self.sampleBytes()
        let path = try Self.write(Array(bytes.dropLast(2)))  // into the last tensor's 4 bytes
        do {
            _ = try SafetensorsFile(path: path)
            Issue.record("a truncated file loaded")
        } catch let SafetensorsError.rangeOutsideData(_, tensor, _, _) {
            #expect(tensor == "scale")  // the last tensor is the one cut short
        }
        let tiny = try Self.write([1, 2, 3])
        #expect(throws: SafetensorsError.tooSmall(path: tiny, size: 3)) { try SafetensorsFile(path: tiny) }
    }

    @Test func headerProblems() throws {
        var huge = withUnsafeBytes(of: UInt64(1 << 40).littleEndian) { Array($0) }
        huge += Array("{}".utf8)
        let hugePath = try Self.write(huge)
        #expect(throws: SafetensorsError.headerLengthOutOfRange(path: hugePath, length: 1 << 40, fileSize: 10)) { try SafetensorsFile(path: hugePath) }

        let notJSON = try Self.file(header: "{\"a\": ", dataSize: 0)
        #expect(throws: SafetensorsError.self) { try SafetensorsFile(path: notJSON) }

        let dtype = try Self.file(header: #"{"w": {"dtype": "F4", "shape": [1], "data_offsets": [0, 4]}}"#, dataSize: 4)
        #expect(throws: SafetensorsError.unsupportedDType(path: dtype, tensor: "w", dtype: "F4")) { try SafetensorsFile(path: dtype) }

        let size = try Self.file(header: #"{"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 12]}}"#, dataSize: 12)
        #expect(throws: SafetensorsError.byteCountMismatch(path: size, tensor: "w", expected: 16, actual: 12)) { try SafetensorsFile(path: size) }

        let overlap = try Self.file(header: #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}"#, dataSize: 12)
        #expect(throws: SafetensorsError.overlappingTensors(path: overlap, tensor: "b", other: "a")) { try SafetensorsFile(path: overlap) }

        let negative = try Self.file(header: #"{"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}"#, dataSize: 4)
        #expect(throws: SafetensorsError.self) { try SafetensorsFile(path: negative) }

        let overflow = try Self.file(header: #"{"a": {"dtype": "F32", "shape": [2147483647, 2147483647, 2147483647], "data_offsets": [0, 4]}}"#, dataSize: 4)
        #expect(throws: SafetensorsError.self) { try SafetensorsFile(path: overflow) }
    }

    @Test func strictLoaderRefusesUnusedTensors() throws {
        let file = try SafetensorsFile(path: Self.write(try Self.sampleBytes()))
        let loader = WeightLoader(file: file)
        _ = try loader.root("layer").tensor("weight", shape: [2, 3])
        #expect(throws: SafetensorsError.unexpectedTensors(path: file.path, tensors: ["layer.bias", "scale"])) { try loader.finish(ignoring: []) }
        try loader.finish(ignoring: ["layer.bias", "scale"])
        try loader.finish(ignoring: ["layer.", "scale"])
    }

    /// Thousands of corrupted files: every one loads or is refused with a SafetensorsError; none crashes.
    @Test func seededMutationFuzz() throws {
        let original = try Self.sampleBytes()
        let headerLength = Int(original.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        var rng = SeededGenerator(seed: 0x5AFE)
        let dir = try Self.scratch()
        var refused = 0, loaded = 0
        for round in 0..<3000 {
            var bytes = original
            switch round % 5 {
            case 0:  // flip bytes in the header
                for _ in 0..<(1 + Int(rng.next() % 4)) { bytes[8 + Int(rng.next() % UInt64(headerLength))] ^= UInt8(truncatingIfNeeded: rng.next() | 1) }
            case 1:  // truncate anywhere
                bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count))))
            case 2:  // rewrite the length field
                let length = UInt64(rng.next() % UInt64(bytes.count * 2))
                withUnsafeBytes(of: length.littleEndian) { for i in 0..<8 { bytes[i] = $0[i] } }
            case 3:  // replace a digit of the header (shapes, offsets) with another digit
                let digits = (8..<(8 + headerLength)).filter { (48...57).contains(bytes[$0]) }
                if let at = digits.randomElement(using: &rng) { bytes[at] = UInt8(48 + rng.next() % 10) }
            default:  // random garbage of random length
                bytes = (0..<Int(rng.next() % 200)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            }
            let url = dir.appendingPathComponent("m\(round % 8).safetensors")
            try Data(bytes).write(to: url)
            do {
                let file = try SafetensorsFile(path: url.path)
                for entry in file.entries.values where entry.dtype == .f32 {
                    let t = try file.float32(entry.name, shape: entry.shape)
                    _ = t.values.reduce(0, +)
                }
                loaded += 1
            } catch is SafetensorsError {
                refused += 1
            }
        }
        #expect(refused > 1500 && loaded > 50, "refused \(refused), loaded \(loaded)")
    }
}
