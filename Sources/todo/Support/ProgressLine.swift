import Foundation

/// "label: done/total" on standard error (never mixed with `--json` output), at most once a
/// second plus the final line; nothing at all for work that ends within `quietFor` seconds.
final class ProgressLine {
    private let label: String
    private let unit: String
    private let quietFor: TimeInterval
    private let start = Date()
    private var lastShown = Date.distantPast

    init(_ label: String, unit: String = "", quietFor: TimeInterval = 0) {
        self.label = label
        self.unit = unit.isEmpty ? "" : " " + unit
        self.quietFor = quietFor
    }

    func update(_ done: Int, _ total: Int) { show(label, done, total) }

    /// For work in stages, each with its own label.
    func show(_ label: String, _ done: Int, _ total: Int) {
        let now = Date()
        guard now.timeIntervalSince(start) >= quietFor, now.timeIntervalSince(lastShown) > 1 || done == total else { return }
        Console.error("\(label): \(done)/\(total)\(unit)")
        lastShown = now
    }
}
