import Foundation

/// Writes float32 tensors as a safetensors file: names sorted, data in that
/// order, header padded with spaces so the data starts 8-byte aligned (zero-copy
/// float views on load). Written to a temporary name, then renamed.
public enum SafetensorsWriter {
    public static func write(_ tensors: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)],
                             metadata: [String: String] = [:], to url: URL) throws {
        let sorted = tensors.sorted { $0.name < $1.name }
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for t in sorted {
            precondition(t.shape.reduce(1, *) == t.values.count, "\(t.name): shape \(t.shape) does not match \(t.values.count) values")
            let bytes = t.values.count * 4
            header[t.name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        var headerData = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while (8 + headerData.count) % 8 != 0 { headerData.append(UInt8(ascii: " ")) }
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())")
        _ = FileManager.default.createFile(atPath: temporary.path, contents: nil)  // failure surfaces as the FileHandle check below
        guard let handle = FileHandle(forWritingAtPath: temporary.path) else {
            throw SafetensorsError.cannotOpen(path: temporary.path, reason: "cannot create")
        }
        do {
            var length = UInt64(headerData.count).littleEndian
            try handle.write(contentsOf: Data(bytes: &length, count: 8))
            try handle.write(contentsOf: headerData)
            for t in sorted { try handle.write(contentsOf: Data(buffer: t.values)) }
            try handle.close()
            guard rename(temporary.path, url.path) == 0 else {
                throw SafetensorsError.cannotOpen(path: url.path, reason: "rename failed: \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
