import Foundation

/// The stored (uncompressed) entries of a zip archive, as `torch.save` writes
/// them, read through one read-only mapping of the file.
struct ZipArchive {
    let path: String
    private let data: Data
    /// Entry name → byte range of its contents in the file.
    let entries: [String: Range<Int>]

    init(path: String) throws {
        self.path = path
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw TorchCheckpointError.unreadable(path: path, reason: error.localizedDescription)
        }
        entries = try Self.readDirectory(data, path: path)
    }

    func contents(_ name: String) throws -> Data {
        guard let range = entries[name] else { throw TorchCheckpointError.missingEntry(path: path, entry: name) }
        return data.subdata(in: range)
    }

    func bytes<R>(_ name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard let range = entries[name] else { throw TorchCheckpointError.missingEntry(path: path, entry: name) }
        return try data.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    private static func readDirectory(_ data: Data, path: String) throws -> [String: Range<Int>] {
        func u16(_ at: Int) -> Int { Int(data[at]) | Int(data[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        func u64(_ at: Int) -> Int { u32(at) | u32(at + 4) << 32 }
        let bad = { (why: String) in TorchCheckpointError.badZip(path: path, reason: why) }
        guard data.count >= 22 else { throw bad("too small for a zip archive (truncated?)") }
        // End of central directory: the last 0x06054b50 within the final 64 KiB + 22 bytes.
        var eocd = -1
        var i = data.count - 22
        while i >= max(0, data.count - 65_557) {
            if u32(i) == 0x0605_4B50 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else { throw bad("no end-of-central-directory record (not a zip, or truncated)") }
        var count = u16(eocd + 10), directory = u32(eocd + 16)
        // ZIP64: large archives keep the real values in the zip64 end record.
        if (count == 0xFFFF || directory == 0xFFFF_FFFF), eocd >= 20, u32(eocd - 20) == 0x0706_4B50 {
            let record = u64(eocd - 20 + 8)
            guard record + 56 <= data.count, u32(record) == 0x0606_4B50 else { throw bad("broken zip64 end record") }
            count = u64(record + 32)
            directory = u64(record + 48)
        }
        var entries: [String: Range<Int>] = [:]
        var p = directory
        for _ in 0..<count {
            guard p + 46 <= data.count, u32(p) == 0x0201_4B50 else { throw bad("broken central directory at byte \(p)") }
            let method = u16(p + 10)
            var compressed = u32(p + 20), local = u32(p + 42)
            let nameLength = u16(p + 28), extraLength = u16(p + 30), commentLength = u16(p + 32)
            guard p + 46 + nameLength <= data.count else { throw bad("broken central directory at byte \(p)") }
            let name = String(decoding: data[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
            // zip64 extra field (id 1): 8-byte sizes/offset in place of 0xFFFFFFFF.
            var e = p + 46 + nameLength
            while e + 4 <= p + 46 + nameLength + extraLength {
                let id = u16(e), size = u16(e + 2)
                if id == 1 {
                    var f = e + 4
                    if u32(p + 24) == 0xFFFF_FFFF { f += 8 }  // uncompressed size comes first
                    if compressed == 0xFFFF_FFFF { compressed = u64(f); f += 8 }
                    if local == 0xFFFF_FFFF { local = u64(f) }
                }
                e += 4 + size
            }
            guard method == 0 else { throw bad("entry '\(name)' is compressed (method \(method)); torch.save stores entries uncompressed") }
            guard local + 30 <= data.count, u32(local) == 0x0403_4B50 else { throw bad("entry '\(name)': broken local header") }
            let start = local + 30 + u16(local + 26) + u16(local + 28)
            guard start + compressed <= data.count else { throw bad("entry '\(name)' runs past the end of the file (truncated?)") }
            entries[name] = start..<(start + compressed)
            p += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }
}
