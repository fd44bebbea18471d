import Foundation

/// How many threads the engine uses: one setting for the whole process.
///
/// Precedence: an explicit value (`--threads`), then `SMART_TODO_THREADS`, then
/// `OPENBLAS_NUM_THREADS`, then every available core.
public enum ThreadSetting {
    public static func resolve(explicit: Int?, environment: [String: String] = ProcessInfo.processInfo.environment,
                               cores: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> Int {
        if let explicit {
            guard explicit >= 1 else { throw ThreadSettingError.invalid(source: "--threads", value: String(explicit)) }
            return explicit
        }
        for key in ["SMART_TODO_THREADS", "OPENBLAS_NUM_THREADS"] {
            guard let raw = environment[key], !raw.isEmpty else { continue }
            guard let n = Int(raw.trimmingCharacters(in: .whitespaces)), n >= 1 else {
                throw ThreadSettingError.invalid(source: key, value: raw)
            }
            return n
        }
        return max(1, cores)
    }

    /// Applies `threads` to the engine's own parallel loops; OpenBLAS itself runs
    /// single-threaded inside each of them (it is loaded that way: Sources/Kernels/blas.c).
    public static func apply(_ threads: Int) {
        EngineThreads.set(threads)
    }
}

public enum ThreadSettingError: Error, Equatable, CustomStringConvertible {
    case invalid(source: String, value: String)

    public var description: String {
        switch self {
        case .invalid(let source, let value): return "\(source) must be a whole number of threads, 1 or more; got '\(value)'"
        }
    }
}
