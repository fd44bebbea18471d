import Foundation
import Inference

/// Chooses a category by meaning, without an NLI model: the task's nearest example
/// tasks per category (the built-in bank plus the user's own categorized tasks, so
/// it adapts to how this user files things), a little of the category description,
/// and cue words. Abstains below a threshold.
struct Categorizer: Sendable {
    struct Bank: Sendable {
        var names: [String]
        /// Per category: example vectors (built-in and the user's).
        var examples: [[[Float]]]
        var descriptions: [[Float]]
        var cues: [[String]]
    }

    struct Choice: Sendable, Equatable {
        /// nil when abstaining.
        var category: String?
        var score: Double
        var scores: [String: Double]
    }

    let settings: EnrichmentSettings

    func choose(taskVector: [Float], title: String, description: String, bank: Bank) -> Choice {
        let titleList = TextFeatures.words(title)
        let titleWords = Self.withSingulars(titleList)
        let descriptionWords = Self.withSingulars(TextFeatures.words(String(description.prefix(TextFeatures.wordWindow))))
        let leadWord = titleList.first
        var scores: [String: Double] = [:]
        var neighbourScores: [String: Double] = [:]
        for (i, name) in bank.names.enumerated() {
            let sims = bank.examples[i].map { Double(VectorMath.dot(taskVector, $0)) }.sorted(by: >).prefix(settings.categoryNeighbours)
            let neighbours = sims.isEmpty ? 0 : sims.reduce(0, +) / Double(sims.count)
            let description = bank.descriptions[i].isEmpty ? 0 : Double(VectorMath.dot(taskVector, bank.descriptions[i]))
            let cueCount = bank.cues[i].reduce(0.0) { sum, cue in
                sum + (cue == leadWord ? Self.leadCue : titleWords.contains(cue) ? 1 : descriptionWords.contains(cue) ? 0.3 : 0)
            }
            neighbourScores[name] = neighbours
            scores[name] = neighbours + settings.descriptionWeight * description + settings.cueWeight * min(cueCount, 2)
        }
        let best = bank.names.max { scores[$0]! < scores[$1]! }!
        // Abstain on the evidence of meaning alone: cue words cannot make a category for an unrelated text.
        guard neighbourScores[best]! >= settings.categoryThreshold else { return Choice(category: nil, score: scores[best]!, scores: scores) }
        return Choice(category: best, score: scores[best]!, scores: scores)
    }

    /// A cue that is the title's first word counts double: a to-do leads with its action, and
    /// the action decides ("Buy the textbook for the course" is shopping, whatever it is for;
    /// "Order the Lego set for the party" too).
    static let leadCue = 2.0

    /// The words and their singular forms, so the cue "customer" matches "customers".
    static func withSingulars(_ words: [String]) -> Set<String> {
        Set(words).union(words.map(TextFeatures.singular))
    }
}

/// Why a task would get its category: every category's score, best first, and whether the
/// NLI model (zero-shot: entailment probabilities) or the embedding categorizer (nearest
/// examples, description, cue words) scored them. `category` nil: it abstains.
public struct CategoryExplanation: Sendable, Equatable {
    public struct Score: Codable, Sendable, Equatable {
        public var name: String
        public var score: Double
    }

    public var category: String?
    public var byZeroShot: Bool
    public var scores: [Score]
}
