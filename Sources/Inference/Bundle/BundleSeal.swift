import Foundation

/// What a bundle's files looked like when their checksums last matched: size, modification
/// time, inode and device of each. A load compares these (a few `stat` calls) instead of
/// hashing ~90 MB; any difference — a file rewritten, truncated, replaced or copied elsewhere —
/// means the checksums are computed again before the weights may be used. Kept beside the
/// files as `.seal.json`; a bundle that cannot hold one (read-only) is hashed on every load.
struct BundleSeal: Codable, Equatable {
    static let fileName = ".seal.json"

    struct Stamp: Codable, Equatable {
        var size: Int64
        var modifiedNanoseconds: Int64
        var inode: UInt64
        var device: UInt64
    }

    var fingerprint: String
    var files: [String: Stamp]

    /// The stamps of `names` in `directory` as they are now; nil when one cannot be read.
    init?(directory: URL, names: some Sequence<String>, fingerprint: String) {
        var files: [String: Stamp] = [:]
        for name in names {
            var info = stat()
            guard stat(directory.appendingPathComponent(name).path, &info) == 0 else { return nil }
            files[name] = Stamp(size: Int64(info.st_size), modifiedNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                                inode: UInt64(info.st_ino), device: UInt64(info.st_dev))
        }
        self.fingerprint = fingerprint
        self.files = files
    }

    static func recorded(in directory: URL) -> BundleSeal? {
        (try? Data(contentsOf: directory.appendingPathComponent(fileName))).flatMap { try? JSONDecoder().decode(BundleSeal.self, from: $0) }
    }

    /// Best effort: a bundle in a read-only place keeps no seal and is verified on each load.
    func record(in directory: URL) {
        guard let data = try? JSONEncoder().encode(self) else { return }
        try? data.write(to: directory.appendingPathComponent(Self.fileName), options: .atomic)
    }
}

extension ModelBundle {
    /// Opens a bundle whose outputs will be kept under its fingerprint (cached, stored with
    /// tasks): its files must be the ones its checksums describe. Unchanged since they last
    /// matched (`BundleSeal`), that is a few `stat` calls; otherwise every file is hashed again,
    /// and a mismatch is an error — corrupt weights never answer in the genuine model's name.
    public static func verified(directory: URL) throws -> ModelBundle {
        let bundle = try ModelBundle(directory: directory)
        try bundle.checkSeal()
        return bundle
    }

    /// Whether the files are unchanged since their checksums last matched (no hashing).
    public var isSealed: Bool {
        guard let now = BundleSeal(directory: directory, names: config.files.keys, fingerprint: config.fingerprint) else { return false }
        return BundleSeal.recorded(in: directory) == now
    }

    /// Hashes the files unless the seal vouches for them; records a new seal when they match.
    func checkSeal() throws {
        if isSealed { return }
        if let problem = try verify() { throw BundleError.corrupt(path: directory.path, problem: problem) }
    }

    /// `verify()`, recording the seal when everything matches.
    func verifyAndSeal() throws -> String? {
        if let problem = try verifyFiles() { return problem }
        BundleSeal(directory: directory, names: config.files.keys, fingerprint: config.fingerprint)?.record(in: directory)
        return nil
    }
}
