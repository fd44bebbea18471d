import Foundation

/// Median and 95th percentile of repeated runs, in milliseconds.
struct Timing {
    var samples: [Double]

    var median: Double { percentile(0.5) }
    var p95: Double { percentile(0.95) }

    func percentile(_ p: Double) -> Double {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }

    /// Runs `body` `warmup` times untimed, then until `iterations` runs or `budget` seconds have passed (at least 5 runs).
    static func measure(iterations: Int, warmup: Int = 2, budget: Double = 10, _ body: () throws -> Void) rethrows -> Timing {
        for _ in 0..<warmup { try body() }
        var samples: [Double] = []
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(budget * 1e9)
        while samples.count < iterations && (samples.count < 5 || DispatchTime.now().uptimeNanoseconds < deadline) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return Timing(samples: samples)
    }
}

/// Peak resident memory of this process so far, in MiB (VmHWM).
func peakResidentMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kb = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return .nan }
    return kb / 1024
}
