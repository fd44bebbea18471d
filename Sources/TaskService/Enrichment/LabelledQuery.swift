/// A search query written for a bank set (`Tools/eval/bank/search_*.jsonl`), with the tasks of that
/// set it should find. Search learns from them how people ask for tasks (`QueryMapping`): "stuff
/// for the baby" for nappies and a car seat.
struct LabelledQuery: Sendable, Equatable {
    var set: String
    var text: String
    /// The places (from 0) of the tasks it should find among its set's labelled tasks.
    var relevant: [Int]

    /// Every built-in labelled query, in the order of their sets.
    static let builtIn: [LabelledQuery] = builtInLines.utf8.split(separator: UInt8(ascii: "\n")).map { line in
        let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false).map(LabelledTask.builtInField)
        // The lines are generated, and a test reads every one: a short line fails there first.
        precondition(fields.count == 3, "a built-in labelled query with \(fields.count) fields")
        return LabelledQuery(set: fields[0], text: fields[1], relevant: fields[2].split(separator: " ").map { Int($0)! })
    }

    /// The built-in labelled queries of the named sets.
    static func builtIn(sets: [String]) -> [LabelledQuery] {
        builtIn.filter { sets.contains($0.set) }
    }
}
