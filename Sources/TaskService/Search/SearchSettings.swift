import Foundation

/// The settings file's `search` section: the topics search bridges through and how much
/// they weigh. A user with a domain of their own (a lab, a farm, a law practice) adds its
/// topics next to ours, or replaces ours.
///
/// Not part of enrichment's digest: topics shape no category, priority or tag, so changing
/// them never sends enrichment back to the model.
public struct SearchSettings: Codable, Sendable, Equatable {
    /// Replaces ours when given.
    public var topics: [SearchTopic] = SearchTopic.defaults
    /// Added to `topics`: yours next to ours without copying ours into the file.
    public var addedTopics: [SearchTopic] = []
    /// The most a shared topic adds to a task's score (0: no topic term). Off by default: the topics
    /// were chosen on the sets they were measured on, and on sets written independently they lower
    /// search with either model (docs/evaluation.md). A file that names its own topics can turn it on.
    public var topicWeight: Float = 0
    /// The embedding model search uses when it is not enrichment's (`EnrichmentSettings.model`):
    /// a bundle in the weights directory; "" (the default) for the same one. A bigger model
    /// searches better; enrichment keeps the small one, and a `todo add` its speed.
    public var model: String = ""

    public init() {}

    /// What search bridges through: `topics`, then `addedTopics`.
    public var allTopics: [SearchTopic] { topics + addedTopics }

    func validate() throws {
        guard topicWeight.isFinite, topicWeight >= 0 else { throw SettingsError.invalid("search.topicWeight must be 0 or more") }
        guard model.isEmpty || EnrichmentSettings.namesBundle(model) else {
            throw SettingsError.invalid("search.model must name a bundle in the weights directory, such as all-mpnet-base-v2, or be \"\" for the model enrichment uses (see `todo models`)")
        }
        var seen = Set<String>()
        for topic in allTopics {
            let name = topic.name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty else { throw SettingsError.invalid("a search topic has an empty name") }
            guard seen.insert(name.lowercased()).inserted else { throw SettingsError.invalid("search topic \(name) appears twice") }
            // Tasks meet a topic through its examples: without one, no task would ever share it.
            guard !topic.examples.isEmpty else { throw SettingsError.invalid("search topic \(name) needs at least one example task") }
            // An example is embedded like a task; an empty one would say nothing and match everything a little.
            guard !topic.examples.contains(where: { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) else {
                throw SettingsError.invalid("search topic \(name) has an empty example")
            }
        }
    }
}
