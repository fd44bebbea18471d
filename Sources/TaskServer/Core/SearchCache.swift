import Foundation
import Synchronization
import TaskService

/// The search index and the topics' vectors, held while no task changes: the search vectors in
/// memory (`ResidentVectors`), read whole at start; a change marks the index stale and the next
/// search reads the flags again and only the blocks written since — it never embeds (the
/// worker does), so a stream of writes does not slow search. Changes made by other processes
/// (the CLI on the same database) are not announced: the index is also read again once it is
/// `maxAge` old. One search or refresh at a time, under the cache's own gate, not the model's: a
/// query's vector is one short forward pass, which the engine runs beside an enrichment pass
/// (on the calling thread, when the pass holds the cores), so search never waits for a long text
/// to be enriched.
final class SearchCache: Sendable {
    private struct Loaded: @unchecked Sendable {
        var generation: Int
        var loadedAt: ContinuousClock.Instant
        var index: SearchIndex
        var notIndexed: Int
        var bridge: TopicBridge?
    }

    private let enricher: Enricher
    private let gate = ExclusiveWork()
    private let state = Mutex<(generation: Int, loaded: Loaded?, resident: ResidentVectors?)>((0, nil, nil))
    /// How stale another process's changes may be in search results.
    static let maxAge: Duration = .seconds(2)

    init(enricher: Enricher) {
        self.enricher = enricher
    }

    /// A task was added, changed, enriched or deleted.
    func invalidate() { state.withLock { $0.generation += 1 } }

    func warm() throws { _ = try gate.use { try loaded() } }

    private func taskSearch() throws -> TaskSearch {
        TaskSearch(embeddings: try enricher.searchEmbeddings(), settings: enricher.settings.search)
    }

    private func loaded() throws -> Loaded {
        let (generation, kept, held) = state.withLock { ($0.generation, $0.loaded, $0.resident) }
        if let kept, kept.generation == generation, ContinuousClock.now - kept.loadedAt < Self.maxAge { return kept }
        let search = try taskSearch()
        // The topics' vectors never change with the tasks: read once.
        let bridge = try kept?.bridge ?? (search.topicWeight > 0 && !search.topics.isEmpty ? search.embeddings.topicBridge(search.topics) : nil)
        let resident = held ?? ResidentVectors(embeddings: search.embeddings)
        let (index, notIndexed) = try search.currentIndex(held: resident, topics: bridge)
        let fresh = Loaded(generation: generation, loadedAt: .now, index: index, notIndexed: notIndexed, bridge: bridge)
        state.withLock {
            $0.resident = resident
            if $0.generation == generation { $0.loaded = fresh }
        }
        return fresh
    }

    /// The best tasks for `query`, and how many live tasks are not searchable yet.
    func results(_ query: String, limit: Int, includeDone: Bool) throws -> (hits: [TaskSearch.Hit], notIndexed: Int) {
        try gate.use {
            let current = try loaded()
            let hits = try taskSearch().search(query, in: current.index, topics: current.bridge, limit: limit, includeDone: includeDone)
            return (hits, current.notIndexed)
        }
    }

    func similar(to id: Int64, limit: Int, minimum: Float, includeDone: Bool) throws -> [TaskSearch.Hit] {
        try gate.use { try taskSearch().similar(to: id, limit: limit, minimum: minimum, includeDone: includeDone, in: loaded().index) }
    }
}
