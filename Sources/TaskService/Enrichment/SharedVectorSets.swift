import Foundation
import Inference

/// Vector sets (the built-in banks, search's topics) kept once per machine, beside each task
/// database's own cache: a new database would otherwise embed the banks' ~2,700 texts on its
/// first enrichment — seconds of a first `todo add`, and of every `todo eval` and test database.
///
/// Files in `$XDG_CACHE_HOME/smart-todo/vector-sets` (else `~/.cache/smart-todo/vector-sets`),
/// named by the set's key (the model's fingerprint and the texts), each the set's bytes and then
/// their SHA-256 in hex: a damaged or partly written file is not used, and a new one is renamed
/// into place whole. Only a cache: a folder that cannot be written costs time, never a command.
public struct SharedVectorSets: Sendable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// This machine's; nil without a home folder to keep it in.
    public static let machine: SharedVectorSets? = resolve()

    static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment, home: String = NSHomeDirectory()) -> SharedVectorSets? {
        // XDG: a relative XDG_CACHE_HOME is invalid and must be ignored.
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? (home.hasPrefix("/") ? home + "/.cache" : nil)
        return base.map { SharedVectorSets(directory: URL(fileURLWithPath: $0).appendingPathComponent("smart-todo/vector-sets")) }
    }

    static let digestLength = 64

    func file(_ key: String) -> URL { directory.appendingPathComponent(key + ".vectors") }

    /// The bytes stored for set `key`, when the file is whole.
    func read(_ key: String) -> Data? {
        guard let data = try? Data(contentsOf: file(key)), data.count >= Self.digestLength else { return nil }
        let payload = data.dropLast(Self.digestLength)
        guard SHA256.hex(bytes: payload) == String(decoding: data.suffix(Self.digestLength), as: UTF8.self) else { return nil }
        return Data(payload)
    }

    /// Keeps `payload` as set `key`; says nothing when it cannot.
    func write(_ key: String, _ payload: Data) {
        let fm = FileManager.default
        guard (try? fm.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])) != nil else { return }
        let temporary = directory.appendingPathComponent(".\(key).\(UUID().uuidString)")
        guard (try? (payload + Data(SHA256.hex(bytes: payload).utf8)).write(to: temporary)) != nil else { return }
        // Atomic: another process reading meanwhile sees the old file or the whole new one.
        if rename(temporary.path, file(key).path) != 0 { try? fm.removeItem(at: temporary) }
    }
}
