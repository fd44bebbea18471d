import Foundation
import Inference

/// Suggests 2–4 keyphrases: candidate phrases from the text (and a lexicon of common
/// tags, the user's own tags and those of the nearest labelled tasks) ranked by similarity to
/// the whole task, the rules' bonuses and a learned ranking (`TagRanking`); near-duplicates
/// merged, one nested pair at most (a diversity term is there, off by default).
struct Tagger: Sendable {
    let settings: TagSettings

    /// Words that never start or end a tag: function words, dates and times (the due date says
    /// when; "#friday" says nothing about what), and the verbs tasks start with.
    static let stopWords: Set<String> = Set("""
        a an the and or of for to in on at by with from up out off my our your his her their its this that these those is are was be been \
        it i me we you he she they them us before after about into over under new old via vs per re w just also some any all more most other \
        than then so not no yes can will would should could must one two three last next week weekly today tomorrow tmrw day days month \
        am pm it's i'm don't has have had get got him whole rest again still very really there here what when where which who how \
        urgent urgently asap important quick quickly soon \
        monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thurs fri sat sun weekend weekends weekday weekdays \
        january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec \
        tonight morning afternoon evening noon midnight yesterday hour hours minute minutes year years daily monthly eod eow every each \
        min mins sec secs hr hrs km kms kg
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
    static let leadingVerbs: Set<String> = Set("""
        buy order make do go need want pay book call email send get fix renew submit request prep prepare write read sign check compare \
        apply add keep start try finish complete attend follow set update review plan organise organize pick drop return bring take put \
        clean hang watch practice practise learn study revise reply answer approve load rotate upgrade close see quit reseal back mow swim \
        ask find install register schedule cancel move help visit tell meet arrange collect research translate
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
    /// Common tags a task may deserve without saying them ("family", "payment").
    static let lexicon = """
        family friends kids school birthday gift payment bill invoice refund insurance tax savings budget loan bank travel trip flight \
        hotel vacation appointment doctor dentist pharmacy medication prescription exercise fitness running cycling swimming workout diet \
        sleep habit health checkup vaccination work meeting report presentation client customer manager team security deployment database \
        release deadline course exam study reading book language practice tutorial homework repair diy home garden cleaning moving \
        apartment landlord lease pets cat dog car bike commute groceries clothes electronics kitchen furniture shopping subscription email \
        call paperwork application registration documents backup phone computer music sports hobby wedding party baby parenting events \
        concert recovery errand declutter donation
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)

    struct Candidate: Sendable {
        var phrase: String
        var bonus: Double
    }

    /// One tag the pick may choose: a phrase of the text, a lexicon tag, one of the user's, or one
    /// borrowed from the nearest labelled tasks.
    struct Entry {
        var phrase: String
        /// 1 for a phrase of the title (`TagSettings.titleBonus`).
        var bonus: Double
        var fromText: Bool
        /// The share of the nearest labelled tasks that have this tag (`TagVotes`).
        var support: Double = 0
        /// Whether only the labelled tasks brought it.
        var borrowed: Bool = false
        var words: Int { phrase.split(separator: " ").count }

        /// Where it came from, for `todo explain` and the learned ranking; `known`: it is one of the user's tags.
        func source(known: Bool) -> TagExplanation.Source {
            fromText ? (bonus > 0 ? .title : .description) : known ? .yours : borrowed ? .similarTasks : .lexicon
        }
    }

    /// Phrases of one or two words from the title and the start of the description.
    /// The longest word a tag may hold: longer than German compounds ("Krankenversicherungsbeitrag"
    /// has 27 letters); a run of 200,000 letters without a space made a tag of that length.
    static let longestWord = 32

    static func candidates(title: String, description: String) -> [Candidate] {
        var order: [String] = []
        var bonus: [String: Double] = [:]
        // Phrases never span punctuation: "Jonas (size 34)" gives "jonas", not "jonas size".
        let segments = { (text: String) in
            text.replacingOccurrences(of: ". ", with: "\n").split { ",;:()[]{}!?\"/|+&—–\n".contains($0) }.map(String.init)
        }
        for (segment, b) in segments(title).map({ ($0, 1.0) }) + segments(String(description.prefix(TextFeatures.descriptionStart))).map({ ($0, 0.0) }) {
            let words = TextFeatures.words(segment)
            for n in 1...2 where words.count >= n {
                for i in 0...(words.count - n) {
                    var gram = Array(words[i..<(i + n)])
                    // A possessive ends a phrase and drops its 's: "Uncle Ahmed's ladder" gives "uncle ahmed"
                    // and "ladder", not "ahmed's ladder"; "Tuesday's outage" gives no "tuesday".
                    if gram.dropLast().contains(where: { TextFeatures.withoutPossessive($0) != nil }) { continue }
                    if let base = TextFeatures.withoutPossessive(gram[gram.count - 1]) { gram[gram.count - 1] = base }
                    if gram.contains(where: { stopWords.contains($0) || !(2...longestWord).contains($0.count) || $0.contains(where: \.isNumber) }) { continue }
                    if leadingVerbs.contains(gram[0]) || (n == 2 && gram[0] == gram[1]) { continue }  // no "#word word"
                    let phrase = gram.joined(separator: " ")
                    if bonus[phrase] == nil { order.append(phrase) }
                    bonus[phrase] = max(bonus[phrase] ?? 0, b)
                }
            }
        }
        return order.map { Candidate(phrase: $0, bonus: bonus[$0]!) }
    }

    /// Picks tags. `vectors` holds one unit vector per entry of `pool` (candidates, then lexicon and known tags).
    /// `knownTags` are the user's tags; `filedCounts` how many labelled tasks carry each tag, by `TextFeatures.tagKey`.
    func pick(taskVector: [Float], pool: [Entry], vectors: [[Float]],
              knownTags: Set<String>, filedCounts: [String: Int] = [:], removed: Set<String>) -> [Pick] {
        let known = Dictionary(knownTags.map { (TextFeatures.tagKey($0), $0) }, uniquingKeysWith: { a, _ in a })
        let keys = pool.map { TextFeatures.tagKey($0.phrase) }
        let cosines = vectors.map { Double(VectorMath.dot(taskVector, $0)) }
        let features = Self.features(pool: pool, keys: keys, cosines: cosines, filedCounts: filedCounts, knownKeys: Set(known.keys))
        // Relevance by the rules gates a weak tag; the learned term joins it to rank.
        var relevance: [Double] = [], learned: [Double] = [], rank: [Double] = []
        for (i, entry) in pool.enumerated() {
            var r = cosines[i] + settings.titleBonus * entry.bonus - settings.lengthPenalty * Double(entry.words - 1)
                + settings.neighbourWeight * entry.support
            if known[keys[i]] != nil { r += settings.knownTagBonus }
            if filedCounts[keys[i]] != nil { r += settings.filedTagBonus }
            relevance.append(r)
            learned.append(settings.learnedWeight * settings.ranking.logOdds(features[i]))
            rank.append(r + learned[i])
        }
        var chosen: [Int] = []
        var chosenKeys: [String] = []
        var nestedPairs = 0
        let maxNested = settings.nestedPairs, minimumRelevance = settings.minimumRelevance, minimumCount = min(2, settings.count)
        let λ = settings.relevanceWeight
        while chosen.count < settings.count {
            var best: Int?
            var bestScore = -Double.infinity
            for i in pool.indices where !chosen.contains(i) {
                let key = keys[i]
                if removed.contains(key) || key.isEmpty { continue }
                // The same words in another form ("boots" after "boot") or the same meaning: a duplicate.
                if chosenKeys.contains(key) { continue }
                var redundancy = chosen.map { Double(VectorMath.dot(vectors[i], vectors[$0])) }.max() ?? 0
                if redundancy >= settings.duplicateSimilarity { continue }
                // One inside the other ("ink" and "printer ink"): both may be useful, once per task and only if
                // clearly relevant; "car insurance" after "car" and "insurance" would be two such pairs.
                let nested = Self.nestedCount(key, in: chosenKeys)
                if nested > 0 {
                    if nestedPairs + nested > maxNested { continue }
                    redundancy = 1
                }
                // Weak phrases of the text only fill up to the minimum count; a weak lexicon or user tag
                // never does ("Renew passport" is better with one tag than with #refund).
                if relevance[i] < minimumRelevance && (chosen.count >= minimumCount || !pool[i].fromText) { continue }
                let s = λ * rank[i] - (1 - λ) * redundancy
                if s > bestScore { bestScore = s; best = i }
            }
            guard let b = best else { break }
            nestedPairs += Self.nestedCount(keys[b], in: chosenKeys)
            chosen.append(b)
            chosenKeys.append(keys[b])
        }
        // The user's spelling of a tag they already use.
        return chosen.map { Pick(tag: known[keys[$0]] ?? pool[$0].phrase, score: rank[$0], similarity: cosines[$0], learned: learned[$0], index: $0) }
    }

    /// A picked tag: its score (relevance plus the learned term, `learned`), its cosine with the
    /// task and its place in the pool.
    struct Pick {
        var tag: String
        var score: Double
        var similarity: Double
        var learned: Double
        var index: Int
    }

    /// What `TagRanking` reads of each entry of `pool`; `cosines` are its similarities with the task.
    static func features(pool: [Entry], keys: [String], cosines: [Double], filedCounts: [String: Int], knownKeys: Set<String>) -> [TagCandidateFeatures] {
        let best = cosines.max() ?? 0
        var similarityRank = [Int](repeating: 0, count: pool.count)
        for (place, i) in cosines.indices.sorted(by: { cosines[$0] > cosines[$1] }).enumerated() { similarityRank[i] = place }
        var textPlace = 0
        return pool.indices.map { i in
            let e = pool[i]
            let count = filedCounts[keys[i]] ?? 0
            let source = e.source(known: knownKeys.contains(keys[i]))
            defer { if e.fromText { textPlace += 1 } }
            return TagCandidateFeatures(cosine: cosines[i], belowBest: cosines[i] - best, title: source == .title,
                                        description: source == .description, lexicon: source == .lexicon,
                                        borrowed: e.borrowed, support: e.support, twoWords: e.words == 2,
                                        textPosition: e.fromText ? log1p(Double(textPlace)) : 0, filedCount: log1p(Double(count)),
                                        filed: count > 0, similarityRank: log1p(Double(similarityRank[i])))
        }
    }
}

extension Tagger {
    /// How many of `keys` the words of `key` lie inside, or hold inside, ("ink", "printer ink").
    static func nestedCount(_ key: String, in keys: [String]) -> Int {
        let words = Set(key.split(separator: " "))
        return keys.filter { other in
            let otherWords = Set(other.split(separator: " "))
            return words.isSubset(of: otherWords) || otherWords.isSubset(of: words)
        }.count
    }
}

/// A tag the AI picked, for `todo explain`: its relevance (similarity to the task plus the
/// title's and the user's bonuses, plus the learned ranking's term) and where it came from.
public struct TagExplanation: Codable, Sendable, Equatable {
    public enum Source: String, Codable, Sendable {
        /// A phrase of the title, of the description's start, a common tag (the built-in
        /// lexicon) the text does not say, a tag the user has on other tasks, or a tag of the
        /// labelled tasks most like this one.
        case title, description, lexicon, yours, similarTasks = "similar_tasks"
    }
    public var tag: String
    public var relevance: Double
    public var source: Source
    /// Whether people file by it: a tag of the built-in labelled tasks (`TagSettings.filedTagBonus`).
    public var filed: Bool
    /// What the learned ranking added to its relevance (`TagSettings.learnedWeight` × log-odds; mostly below 0).
    public var learned: Double
    /// Its cosine with the task, and the share of the nearest labelled tasks that have it (which
    /// adds `TagSettings.neighbourWeight` × it): with the bonuses, what `relevance` is the sum of.
    public var similarity: Double
    public var support: Double
    /// How many words it has (each beyond the first costs `TagSettings.lengthPenalty`).
    public var words: Int
}
