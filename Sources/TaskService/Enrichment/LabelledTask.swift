import Foundation
import Inference

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

    /// Every built-in labelled task, in the order of their sets. Read in one pass over the
    /// bytes, each field made a string straight from them: every process that enriches reads all
    /// 3,300 (as JSON lines they took a tenth of a fresh `todo add`; split into substrings, 8 ms).
    static let builtIn: [LabelledTask] = {
        var lines = builtInLines
        return lines.withUTF8 { bytes in
            var tasks: [LabelledTask] = []
            var fields: [String] = []
            var start = 0, escaped = false
            for i in 0...bytes.count {
                let byte = i < bytes.count ? bytes[i] : UInt8(ascii: "\n")
                if byte == UInt8(ascii: "\\") { escaped = true }
                guard byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") else { continue }
                if byte == UInt8(ascii: "\n") && fields.isEmpty && start == i { start = i + 1; continue }  // an empty line
                fields.append(builtInField(UnsafeBufferPointer(rebasing: bytes[start..<i]), escaped: escaped))
                (start, escaped) = (i + 1, false)
                guard byte == UInt8(ascii: "\n") else { continue }
                // The lines are generated, and a test reads every one: a short line fails there first.
                precondition(fields.count >= 3, "a built-in labelled task with \(fields.count) fields")
                tasks.append(LabelledTask(set: fields[0], text: fields[2], category: fields[1], tags: Array(fields[3...])))
                fields.removeAll(keepingCapacity: true)
            }
            return tasks
        }
    }()

    /// A field of `builtInLines`, its escapes (\\, \t, \n, \r) undone when it has any (`escaped`).
    static func builtInField(_ bytes: UnsafeBufferPointer<UInt8>, escaped: Bool) -> String {
        guard escaped else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            var byte = bytes[i]
            if byte == UInt8(ascii: "\\"), i + 1 < bytes.count {
                i += 1
                switch bytes[i] {
                case UInt8(ascii: "t"): byte = UInt8(ascii: "\t")
                case UInt8(ascii: "n"): byte = UInt8(ascii: "\n")
                case UInt8(ascii: "r"): byte = UInt8(ascii: "\r")
                default: byte = bytes[i]
                }
            }
            out.append(byte)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// What a labelled task keeps of its text: enough to say what it is about. Tools/eval/labelled_bank.py
    /// writes the built-in ones by the same rule, and a test holds the two together.
    static func text(title: String, description: String) -> String {
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        let description = description.trimmingCharacters(in: .whitespacesAndNewlines)
        // Cut by code points, as the generator's Python cuts: by characters, a combining mark
        // (an Arabic vowel sign) would let Swift keep more of the text than the Python did.
        return description.isEmpty ? title : title + ". " + String(String.UnicodeScalarView(description.unicodeScalars.prefix(descriptionStart)))
    }

    /// In code points.
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
