import Foundation
import Inference
import JSONReader

/// A task people labelled with its category and tags, from the bank sets written for tuning
/// (`Tools/eval/bank`, never an evaluation set measured blind). Its text joins its category's
/// examples, and the tasks nearest a new one lend it their tags: the topics people file by,
/// which the text often does not say ("bills", "family", "clients").
struct LabelledTask: Sendable, Equatable {
    /// The bank set it comes from, so a measurement can leave one set out (`EnrichmentSettings.labelledSets`).
    var set: String
    /// The title and the start of the description (`text(title:description:)`).
    var text: String
    var category: String
    var tags: [String]

    /// Every built-in labelled task, in the order of their sets. Split as bytes and read by
    /// `JSONParser`: every process that enriches reads all of them, and `JSONDecoder` on lines
    /// split as characters took a sixth of a fresh `todo add`.
    static let builtIn: [LabelledTask] = builtInLines.utf8.split(separator: UInt8(ascii: "\n")).map { line in
        // The lines are generated and checked by a test: a bad one is a build error, not a user's.
        let fields = try! JSONParser.parse(Data(line)).object!
        return LabelledTask(set: fields["set"]!.string!, text: fields["text"]!.string!,
                            category: fields["category"]!.string!, tags: fields["tags"]!.array!.map { $0.string! })
    }

    /// What a labelled task keeps of its text: enough to say what it is about. Tools/eval/labelled_bank.py
    /// writes the built-in ones by the same rule, and a test holds the two together.
    static func text(title: String, description: String) -> String {
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        let description = description.trimmingCharacters(in: .whitespacesAndNewlines)
        return description.isEmpty ? title : title + ". " + String(description.prefix(descriptionStart))
    }

    static let descriptionStart = 200

    /// The built-in labelled tasks of the named sets.
    static func builtIn(sets: [String]) -> [LabelledTask] {
        builtIn.filter { sets.contains($0.set) }
    }
}

/// The tags of the labelled tasks nearest a task, each with its share of their similarity: a
/// tag on every near task has share 1.
struct TagVotes {
    struct Vote: Equatable {
        var tag: String
        var share: Double
    }

    /// The best-supported tags first (ties by tag), tags compared as `TextFeatures.tagKey`s.
    static func votes(for task: [Float], among labelled: [(task: LabelledTask, vector: [Float])], neighbours: Int) -> [Vote] {
        guard neighbours > 0, !labelled.isEmpty else { return [] }
        let nearest = labelled.indices
            .map { (index: $0, similarity: Double(VectorMath.dot(task, labelled[$0].vector))) }
            .sorted { $0.similarity > $1.similarity }
            .prefix(neighbours)
            .filter { $0.similarity > 0 }
        let total = nearest.reduce(0) { $0 + $1.similarity }
        guard total > 0 else { return [] }
        var support: [String: (tag: String, sum: Double)] = [:]
        for near in nearest {
            for tag in Set(labelled[near.index].task.tags.map { $0.lowercased() }) {
                let key = TextFeatures.tagKey(tag)
                support[key, default: (tag, 0)].sum += near.similarity
            }
        }
        return support.values
            .map { Vote(tag: $0.tag, share: $0.sum / total) }
            .sorted { $0.share != $1.share ? $0.share > $1.share : $0.tag < $1.tag }
    }
}
