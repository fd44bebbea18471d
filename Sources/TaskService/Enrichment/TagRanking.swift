import Foundation

/// What the learned ranking knows of one candidate tag, beside the relevance the pick computes.
public struct TagCandidateFeatures: Codable, Sendable, Equatable {
    /// Cosine with the task, and how far below the pool's best cosine it is (0 for the best).
    public var cosine: Double
    public var belowBest: Double
    /// Where it came from: a phrase of the title, of the description, a lexicon tag the text does
    /// not say, a tag only the nearest labelled tasks brought. (A user's tag is none of them.)
    public var title: Bool
    public var description: Bool
    public var lexicon: Bool
    public var borrowed: Bool
    /// The share of the nearest labelled tasks that have it (`TagVotes`).
    public var support: Double
    public var twoWords: Bool
    /// log(1 + its place among the text's phrases, title first); 0 for a tag the text does not say.
    public var textPosition: Double
    /// log(1 + how many labelled tasks carry it), and whether any does: whether people file by it.
    public var filedCount: Double
    public var filed: Bool
    /// log(1 + its place when the pool is ordered by cosine).
    public var similarityRank: Double

    enum CodingKeys: String, CodingKey {
        case cosine, title, description, lexicon, borrowed, support, filed
        case belowBest = "below_best", twoWords = "two_words", textPosition = "text_position", filedCount = "filed_count"
        case similarityRank = "similarity_rank"
    }
}

/// A logistic model of whether people would file a task under a candidate tag, fitted on the
/// labelled tuning sets by `Tools/eval/fit_tag_ranking.py` (never on the blind set). Its log-odds,
/// times `TagSettings.learnedWeight`, join the candidate's relevance: the writers' sets file by
/// topics people reuse, ours by the title's words, and relevance plus this term ranks better for
/// both than either alone (docs/evaluation.md).
public struct TagRanking: Codable, Sendable, Equatable {
    public var intercept: Double
    public var cosine: Double
    public var belowBest: Double
    public var title: Double
    public var description: Double
    public var lexicon: Double
    public var borrowed: Double
    public var support: Double
    public var twoWords: Double
    public var textPosition: Double
    public var filedCount: Double
    public var filed: Double
    public var similarityRank: Double

    enum CodingKeys: String, CodingKey {
        case intercept, cosine, title, description, lexicon, borrowed, support, filed
        case belowBest = "below_best", twoWords = "two_words", textPosition = "text_position", filedCount = "filed_count"
        case similarityRank = "similarity_rank"
    }

    /// The log-odds that a candidate with `f` is one of the task's tags.
    public func logOdds(_ f: TagCandidateFeatures) -> Double {
        func x(_ b: Bool) -> Double { b ? 1 : 0 }
        return intercept + cosine * f.cosine + belowBest * f.belowBest + title * x(f.title) + description * x(f.description)
            + lexicon * x(f.lexicon) + borrowed * x(f.borrowed) + support * f.support + twoWords * x(f.twoWords)
            + textPosition * f.textPosition + filedCount * f.filedCount + filed * x(f.filed) + similarityRank * f.similarityRank
    }
}

extension TagRanking {
    /// Fitted on the 24 tuning sets (dev, own, own2, own3, bank a–o each left out of the banks,
    /// fresh p–t) with all-MiniLM-L6-v2 by `Tools/eval/fit_tag_ranking.py`; all-mpnet-base-v2 uses it as it is.
    public static let fitted = TagRanking(intercept: -3.532, cosine: 0.729, belowBest: 0.868, title: 1.205, description: 0.75,
                                          lexicon: -1.064, borrowed: -0.891, support: 4.936, twoWords: -0.89, textPosition: -0.529,
                                          filedCount: 0.276, filed: 1.471, similarityRank: -0.298)
}
