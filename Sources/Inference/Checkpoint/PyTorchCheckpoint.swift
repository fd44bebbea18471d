import Foundation

/// `pytorch_model.bin` as `torch.save` writes it: a zip holding `<prefix>/data.pkl`
/// (the state dict) and one `<prefix>/data/<key>` entry per storage. Tensors are
/// read as strided views into their storages, so tied and shared tensors (several
/// names over one storage) come out right.
struct PyTorchCheckpoint {
    let path: String
    let tensors: [String: TorchPickle.Tensor]
    private let archive: ZipArchive
    private let prefix: String

    init(path: String) throws {
        self.path = path
        archive = try ZipArchive(path: path)
        guard let pickle = archive.entries.keys.filter({ $0.hasSuffix("/data.pkl") || $0 == "data.pkl" }).min() else {
            throw TorchCheckpointError.notAStateDict(path: path, detail: "no data.pkl in the archive (a legacy, non-zip torch.save file?)")
        }
        prefix = String(pickle.dropLast("data.pkl".count))
        tensors = try TorchPickle(path: path).stateDict(Array(try archive.contents(pickle)))
    }

    /// Tensor `name` widened to float32, in row-major order of its shape.
    func float32(_ name: String) throws -> [Float] {
        guard let t = tensors[name] else { throw TorchCheckpointError.missingEntry(path: path, entry: name) }
        let size = t.storage.dtype.byteSize
        let count = t.shape.reduce(1, *)
        return try archive.bytes(prefix + "data/" + t.storage.key) { raw in
            guard raw.count >= t.storage.count * size else {
                throw TorchCheckpointError.badZip(path: path, reason: "storage '\(t.storage.key)' holds \(raw.count) bytes, \(t.storage.count * size) expected")
            }
            var expected = 1
            let contiguous = zip(t.shape, t.stride).reversed().allSatisfy { n, stride in
                defer { expected *= n }
                return n <= 1 || stride == expected
            }
            if contiguous {
                guard t.offset >= 0, t.offset + count <= t.storage.count else {
                    throw TorchCheckpointError.notAStateDict(path: path, detail: "tensor '\(name)' reaches outside its storage")
                }
                return try DTypeConversion.float32(UnsafeRawBufferPointer(rebasing: raw[(t.offset * size)..<((t.offset + count) * size)]),
                                                   dtype: t.storage.dtype, tensor: name, path: path)
            }
            // Storage indices of the tensor's elements, row-major: a strided walk for non-contiguous views.
            var indices = [Int](repeating: t.offset, count: count)
            var block = count
            for (dim, n) in t.shape.enumerated() where n > 0 {
                block /= n
                for e in 0..<count { indices[e] += (e / block) % n * t.stride[dim] }
            }
            guard indices.allSatisfy({ $0 >= 0 && $0 < t.storage.count }) || count == 0 else {
                throw TorchCheckpointError.notAStateDict(path: path, detail: "tensor '\(name)' reaches outside its storage")
            }
            // Gather contiguous bytes, then reuse the safetensors dtype widening.
            var gathered = [UInt8](repeating: 0, count: count * size)
            for (e, index) in indices.enumerated() {
                for k in 0..<size { gathered[e * size + k] = raw[index * size + k] }
            }
            return try gathered.withUnsafeBytes {
                try DTypeConversion.float32($0, dtype: t.storage.dtype, tensor: name, path: path)
            }
        }
    }
}

public enum TorchCheckpointError: Error, Equatable, LocalizedError {
    case unreadable(path: String, reason: String)
    case badZip(path: String, reason: String)
    case missingEntry(path: String, entry: String)
    case notAStateDict(path: String, detail: String)
    case unsupportedPickle(path: String, detail: String)

    public var errorDescription: String? {
        switch self {
        case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
        case .badZip(let path, let reason): return "\(path): \(reason)"
        case .missingEntry(let path, let entry): return "\(path): no '\(entry)' in the archive"
        case .notAStateDict(let path, let detail): return "\(path): not a state dict of tensors: \(detail)"
        case .unsupportedPickle(let path, let detail): return "\(path): unsupported pickle: \(detail)"
        }
    }
}
