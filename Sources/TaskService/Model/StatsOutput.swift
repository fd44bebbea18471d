import Foundation

/// The counts as `todo stats --json` and `GET /api/stats` give them: one shape under one set of
/// names. A task with no category or priority yet is counted under "-".
public struct StatsOutput: Encodable, Sendable {
    public var statuses: [String: Int]
    /// Of pending tasks.
    public var categories: [String: Int]
    public var priorities: [String: Int]
    /// How many pending tasks have each field filled by the AI.
    public var aiFilled: [String: Int]
    public var overdue: Int
    public var dueWithinWeek: Int
    public var queue: EnrichmentQueue.Counts
    /// The result cache (the CLI's; the service leaves it out).
    public var cache: ResultCache.Statistics?

    public init(_ summary: TaskStore.Summary, queue: EnrichmentQueue.Counts, cache: ResultCache.Statistics? = nil) {
        (statuses, categories, priorities, aiFilled) = (summary.statuses, summary.categories, summary.priorities, summary.aiFilled)
        (overdue, dueWithinWeek) = (summary.overdue, summary.dueWithinWeek)
        self.queue = queue
        self.cache = cache
    }

    enum CodingKeys: String, CodingKey {
        case statuses, categories, priorities, overdue, queue, cache
        case aiFilled = "ai_filled", dueWithinWeek = "due_within_week"
    }
}
