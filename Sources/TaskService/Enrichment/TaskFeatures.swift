import Foundation
import Inference

/// The vectors one task's enrichment needs, computed for a chunk of tasks in one
/// batch (through the cache): the whole text (windowed, never cut), the title, its
/// clauses and its candidate tag phrases.
struct TaskFeatures {
    var text: String
    var title: String
    var description: String
    var full: SentenceEmbedder.Embedding
    var titleVector: [Float]
    var clauses: [[Float]]
    /// Pieces of clauses cut at commas too, where there are any: lead time often comes as an
    /// aside ("$420 left, use it or lose it by Dec 31").
    var clausePieces: [[Float]]
    var candidates: [Tagger.Candidate]
    var candidateVectors: [[Float]]

    /// Whole text and title together: the title says what the task is, the description adds evidence.
    var combined: [Float] { VectorMath.normalized(zip(full.vector, titleVector).map { $0 + $1 }) }

    static func compute(_ tasks: [TodoTask], context: EnrichmentEngine.Context) throws -> [TaskFeatures] {
        var texts: [String] = []
        var layout: [(full: Int, title: Int, clauses: Range<Int>, pieces: Range<Int>, candidates: Range<Int>, cands: [Tagger.Candidate])] = []
        for t in tasks {
            let full = texts.count
            texts.append(TaskEmbeddings.text(of: t))
            let title = texts.count
            texts.append(t.title)
            let text = t.title + "\n" + t.description
            let clauseTexts = TextFeatures.clauses(text)
            let c0 = texts.count
            texts += clauseTexts
            // Only pieces no clause already is: a text without commas adds nothing to embed.
            let pieceTexts = TextFeatures.clauses(text, separators: ".!?;\n—–:,").filter { !clauseTexts.contains($0) }
            let p0 = texts.count
            texts += pieceTexts
            let cands = Tagger.candidates(title: t.title, description: t.description)
            let k0 = texts.count
            texts += cands.map(\.phrase)
            layout.append((full, title, c0..<(c0 + clauseTexts.count), p0..<(p0 + pieceTexts.count), k0..<(k0 + cands.count), cands))
        }
        let e = try context.engine.vectors(texts, model: context.model)
        return zip(tasks, layout).map { t, l in
            TaskFeatures(text: texts[l.full], title: t.title, description: t.description, full: e[l.full], titleVector: e[l.title].vector,
                         clauses: e[l.clauses].map(\.vector), clausePieces: e[l.pieces].map(\.vector),
                         candidates: l.cands, candidateVectors: e[l.candidates].map(\.vector))
        }
    }

    func prioritySignals(_ context: EnrichmentEngine.Context) -> PrioritySignals {
        Prioritizer.signals(title: title, description: description, clauseVectors: clauses.isEmpty ? [titleVector] : clauses,
                            pieceVectors: clausePieces, titleVector: titleVector, urgent: context.urgent, lead: context.lead,
                            minor: context.minor, consequential: context.consequential)
    }

    /// Whether the text has a word to go on; without one ("🎉🎉", "???") the task gets no
    /// category and no tags, whichever model would be asked.
    var hasWords: Bool { TextFeatures.hasWords(title + " " + description.prefix(TextFeatures.wordWindow)) }

    /// What the tagger chooses among: phrases of the text, then the lexicon's and the user's tags
    /// nearest the task, then the best-supported tags of the nearest labelled tasks; one vector each.
    func tagPool(context: EnrichmentEngine.Context) -> (task: [Float], pool: [Tagger.Entry], vectors: [[Float]]) {
        let settings = context.engine.settings.tags
        let task = combined
        var pool = candidates.map { Tagger.Entry(phrase: $0.phrase, bonus: $0.bonus, fromText: true) }
        var vectors = candidateVectors
        var present = Set(pool.map { TextFeatures.tagKey($0.phrase) })
        // A few lexicon tags and the user's own tags closest to the task join the candidates.
        for source in [context.lexicon, context.knownTags] {
            let ranked = source.map { ($0.0, $0.1, Double(VectorMath.dot(task, $0.1))) }.sorted { $0.2 > $1.2 }.prefix(3)
            for (phrase, vector, _) in ranked where present.insert(TextFeatures.tagKey(phrase)).inserted {
                pool.append(Tagger.Entry(phrase: phrase, bonus: 0, fromText: false))
                vectors.append(vector)
            }
        }
        // The best-supported tags of the labelled tasks nearest this one join too, or lend their support
        // to the same phrase already among the candidates.
        for vote in TagVotes.votes(for: task, among: context.labelled, neighbours: settings.neighbours).prefix(settings.borrowed) {
            let key = TextFeatures.tagKey(vote.tag)
            if let i = pool.firstIndex(where: { TextFeatures.tagKey($0.phrase) == key }) {
                pool[i].support = vote.share
            } else if let vector = context.labelledTagVectors[vote.tag] {
                pool.append(Tagger.Entry(phrase: vote.tag, bonus: 0, fromText: false, support: vote.share, borrowed: true))
                vectors.append(vector)
            }
        }
        return (task, pool, vectors)
    }

    /// The picked tags with their scores and sources and, when the tag is the phrase itself (not
    /// the user's spelling of it), its vector: cached under the tag's text, so search needs no model.
    func tags(context: EnrichmentEngine.Context, removed: Set<String>) -> [(choice: TagExplanation, vector: [Float]?)] {
        guard hasWords else { return [] }
        let (task, pool, vectors) = tagPool(context: context)
        let known = Set(context.knownTags.map { TextFeatures.tagKey($0.0) })
        return Tagger(settings: context.engine.settings.tags).pick(taskVector: task, pool: pool, vectors: vectors, knownTags: Set(context.knownTags.map(\.0)),
                                                                   filedCounts: context.labelledTagCounts, removed: removed).map { picked in
            let entry = pool[picked.index]
            let key = TextFeatures.tagKey(entry.phrase)
            let choice = TagExplanation(tag: picked.tag, relevance: picked.score, source: entry.source(known: known.contains(key)), filed: context.labelledTagCounts[key] != nil,
                                        learned: picked.learned, similarity: picked.similarity, support: entry.support, words: entry.words)
            return (choice, picked.tag == entry.phrase ? vectors[picked.index] : nil)
        }
    }

    /// Every candidate of the pick with what the learned ranking reads of it: the rows
    /// `Tools/eval/fit_tag_ranking.py` fits `TagRanking` on.
    func tagCandidates(context: EnrichmentEngine.Context) -> [TagCandidate] {
        guard hasWords else { return [] }
        let (task, pool, vectors) = tagPool(context: context)
        let keys = pool.map { TextFeatures.tagKey($0.phrase) }
        let features = Tagger.features(pool: pool, keys: keys, cosines: vectors.map { Double(VectorMath.dot(task, $0)) },
                                       filedCounts: context.labelledTagCounts, knownKeys: Set(context.knownTags.map { TextFeatures.tagKey($0.0) }))
        return pool.indices.map { TagCandidate(tag: pool[$0].phrase, key: keys[$0], features: features[$0]) }
    }
}

/// One tag the pick could choose for a task, as the learned ranking sees it.
public struct TagCandidate: Codable, Sendable, Equatable {
    public var tag: String
    /// `TextFeatures.tagKey` of the tag: how labels are compared with it.
    public var key: String
    public var features: TagCandidateFeatures
}
