import Crypto
import Foundation

/// SHA-256, streaming, as hex: bundle fingerprints, weight checksums and cache keys. The hashing is
/// swift-crypto's (BoringSSL's, with the CPU's SHA instructions): ours by hand ran at ~0.2 GB/s,
/// and the key of the built-in banks' vectors alone cost every fresh `todo add` ~3 ms.
public struct SHA256: Sendable {
    private var hasher = Crypto.SHA256()

    public init() {}

    public mutating func update<D: Collection<UInt8>>(_ data: D) {
        let done: Void? = data.withContiguousStorageIfAvailable { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        if done == nil { hasher.update(data: Array(data)) }
    }

    public mutating func update(_ string: String) { update(string.utf8) }

    public func finalize() -> String {
        // Hex by hand: `String(format:)` per byte was half the time of hashing a short text
        // (cache keys are hashed for every text of every task a search or an enrichment reads).
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in hasher.finalize() {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The hex digest of a file, read in 1 MiB chunks.
    public static func hex(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        var hash = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hash.update(chunk) }
        return hash.finalize()
    }

    public static func hex(_ string: String) -> String { hex(bytes: string.utf8) }

    public static func hex<D: Collection<UInt8>>(bytes: D) -> String {
        var h = SHA256()
        h.update(bytes)
        return h.finalize()
    }
}
