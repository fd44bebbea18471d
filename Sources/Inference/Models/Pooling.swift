import Foundation

/// Sentence-transformers' pooling (`1_Pooling/config.json`) and optional L2
/// normalisation (`modules.json` listing `Normalize`).
public struct Pooling: Codable, Sendable, Equatable {
    public enum Mode: String, Sendable, Codable { case mean, cls, max }

    public var mode: Mode
    public var normalize: Bool

    public init(mode: Mode, normalize: Bool) {
        self.mode = mode
        self.normalize = normalize
    }

    /// Reads a sentence-transformers model directory: `1_Pooling/config.json` and `modules.json`.
    public init(sentenceTransformersDirectory dir: URL) throws {
        struct PoolingFile: Decodable {
            var pooling_mode_mean_tokens: Bool?
            var pooling_mode_cls_token: Bool?
            var pooling_mode_max_tokens: Bool?
        }
        struct Module: Decodable { var type: String }
        let file = dir.appendingPathComponent("1_Pooling/config.json")
        let p = try JSONDecoder().decode(PoolingFile.self, from: Data(contentsOf: file))
        let modes = [(p.pooling_mode_mean_tokens, Mode.mean), (p.pooling_mode_cls_token, .cls), (p.pooling_mode_max_tokens, .max)]
            .filter { $0.0 == true }.map(\.1)
        guard modes.count == 1 else {
            throw PoolingError.unsupported(path: file.path, detail: "exactly one of mean, cls, max pooling must be on, found \(modes.map(\.rawValue))")
        }
        let modulesFile = dir.appendingPathComponent("modules.json")
        let modules = (try? JSONDecoder().decode([Module].self, from: Data(contentsOf: modulesFile))) ?? []
        self.init(mode: modes[0], normalize: modules.contains { $0.type.hasSuffix("Normalize") })
    }

    /// One vector per sequence of `hidden` (`[tokens, width]`, packed as `sequences`).
    /// Every token counts: in a packed batch there is no padding to mask out.
    public func pool(_ hidden: Matrix, sequences: [Range<Int>]) -> [[Float]] {
        sequences.map { s in
            let w = hidden.columns
            var v = [Float](repeating: 0, count: w)
            switch mode {
            case .cls:
                if let first = s.first { v = Array(hidden.row(first)) }
            case .mean:
                var sums = [Double](repeating: 0, count: w)
                for t in s { for i in 0..<w { sums[i] += Double(hidden.values[t * w + i]) } }
                let n = Double(max(s.count, 1))
                v = sums.map { Float($0 / n) }
            case .max:
                v = [Float](repeating: -.infinity, count: w)
                for t in s { for i in 0..<w { v[i] = max(v[i], hidden.values[t * w + i]) } }
            }
            return normalize ? VectorMath.normalized(v) : v
        }
    }
}

public enum PoolingError: Error, Equatable, CustomStringConvertible {
    case unsupported(path: String, detail: String)

    public var description: String {
        switch self { case .unsupported(let path, let detail): return "\(path): \(detail)" }
    }
}
