import Synchronization

/// Hands out a model's tensors by structure, candle-VarBuilder style: scopes add
/// name prefixes so a layer's field names are the safetensors names. Every fetch
/// checks dtype and shape; `finish` fails on tensors nobody asked for, unless
/// an explicit ignore list names them.
public final class WeightLoader: Sendable {
    public let file: SafetensorsFile
    private let used = Mutex(Set<String>())

    public init(file: SafetensorsFile) { self.file = file }

    public var root: WeightScope { WeightScope(loader: self, prefix: "") }

    func tensor(_ name: String, shape: [Int]) throws -> FloatTensor {
        let t = try file.float32(name, shape: shape)
        used.withLock { _ = $0.insert(name) }
        return t
    }

    /// Throws when the file holds tensors that were never fetched and are not ignored.
    /// - Parameter ignoring: exact names, or prefixes ending in "." that cover whole submodules.
    public func finish(ignoring: [String]) throws {
        let fetched = used.withLock { $0 }
        let unexpected = file.entries.keys.filter { name in
            !fetched.contains(name) && !ignoring.contains { $0.hasSuffix(".") ? name.hasPrefix($0) : name == $0 }
        }.sorted()
        if !unexpected.isEmpty { throw SafetensorsError.unexpectedTensors(path: file.path, tensors: unexpected) }
    }
}

/// A position in the module tree: `scope("encoder").scope("layer").scope(0)`.
public struct WeightScope: Sendable {
    let loader: WeightLoader
    public let prefix: String

    public func callAsFunction(_ name: String) -> WeightScope {
        WeightScope(loader: loader, prefix: prefix.isEmpty ? name : "\(prefix).\(name)")
    }

    public func callAsFunction(_ index: Int) -> WeightScope { self(String(index)) }

    /// The tensor `prefix.name`, which must have `shape`.
    public func tensor(_ name: String, shape: [Int]) throws -> FloatTensor {
        try loader.tensor(prefix.isEmpty ? name : "\(prefix).\(name)", shape: shape)
    }
}
