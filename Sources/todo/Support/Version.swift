import TaskService

/// What `todo --version` prints: the release, and the version of the AI's rules (what a task's
/// AI fields were decided by; decisions of older rules are made again).
enum Version {
    static let release = "0.2.0"
    static var described: String { "todo \(release) (AI rules version \(Enricher.currentRules))" }
}
