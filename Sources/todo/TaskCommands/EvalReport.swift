import Foundation
import TaskService

/// The labelled sets of a folder and the Markdown table `todo eval --report` writes of them.
struct EvalReport {
    /// `tasks_NAME.jsonl`, with its queries when `search_NAME.jsonl` sits beside it.
    struct LabelledSet {
        var name: String
        var tasks: URL
        var queries: URL?
    }

    /// Every set under `folder` (one level of subfolders too): dev and blind first, then by name.
    static func sets(in folder: URL) throws -> [LabelledSet] {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure("\(folder.path) is not a folder of labelled sets (tasks_NAME.jsonl, search_NAME.jsonl).")
        }
        let top = try fm.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        let files = top + top.filter { $0.hasDirectoryPath }.flatMap { (try? fm.contentsOfDirectory(at: $0, includingPropertiesForKeys: nil)) ?? [] }
        let sets = files.filter { $0.lastPathComponent.hasPrefix("tasks_") && $0.pathExtension == "jsonl" }.map { tasks in
            let name = String(tasks.deletingPathExtension().lastPathComponent.dropFirst("tasks_".count))
            let queries = tasks.deletingLastPathComponent().appendingPathComponent("search_\(name).jsonl")
            return LabelledSet(name: name, tasks: tasks, queries: fm.fileExists(atPath: queries.path) ? queries : nil)
        }
        guard !sets.isEmpty else { throw CommandFailure("\(folder.path) holds no tasks_NAME.jsonl.") }
        let first = ["dev", "blind"]
        return sets.sorted { (first.firstIndex(of: $0.name) ?? first.count, $0.name) < (first.firstIndex(of: $1.name) ?? first.count, $1.name) }
    }

    /// The first table: one row per set and model ("-" where a set has no such label or no
    /// queries), the bank sets as one row per model, the mean of each measured left out of the
    /// banks (the README's table). Then each bank set's own rows; then, for the sets with
    /// queries, search's recall with each of its terms left out.
    static func markdown(_ rows: [(set: String, report: Evaluation.Report)]) -> String {
        func cell(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "-" }
        // A labelled set of the banks is measured with itself left out of them, and says so.
        func name(_ set: String, _ r: Evaluation.Report) -> String { r.leftOutOfBank.isEmpty ? set : set + " (left out of the bank)" }
        func line(_ name: String, _ model: String, tasks: Int, queries: Int, _ measures: [Double?]) -> String {
            "| \(name) | \(model) | \(tasks) | \(queries) | " + measures.map(cell).joined(separator: " | ") + " |"
        }
        func measures(_ r: Evaluation.Report) -> [Double?] {
            [r.categoryAccuracy, r.priorityAccuracy, r.tagOverlap, r.tagPrecision, r.searchRecallAt5, r.plainRecallAt5, r.plainTitleMeanRecallAt5]
        }
        let header = [
            "| set | model | tasks | queries | category | priority | tag overlap | tag precision | search recall@5 | plain recall@5 | plain title-mean recall@5 |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        let banks = rows.filter { !$0.report.leftOutOfBank.isEmpty }
        let bankNames = banks.map(\.set).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        var lines = header
        var bankMeanWritten = false
        for (set, r) in rows {
            guard r.leftOutOfBank.isEmpty else {
                // All the bank sets' rows at the place of the first: their mean, per model.
                if !bankMeanWritten {
                    bankMeanWritten = true
                    let label = bankNames.count > 1 ? "bank sets \(bankNames.first!)–\(bankNames.last!) (mean of \(bankNames.count), each left out)" : "bank set \(set) (left out)"
                    for model in banks.map(\.report.model).reduce(into: [String](), { if !$0.contains($1) { $0.append($1) } }) {
                        let own = banks.map(\.report).filter { $0.model == model }
                        let means = (0..<7).map { i -> Double? in
                            let values = own.compactMap { measures($0)[i] }
                            return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
                        }
                        lines.append(line(label, model, tasks: own.map(\.tasks).reduce(0, +), queries: own.map(\.queries).reduce(0, +), means))
                    }
                }
                continue
            }
            lines.append(line(set, r.model, tasks: r.tasks, queries: r.queries, measures(r)))
        }
        if !banks.isEmpty {
            lines += [""] + header
            for (set, r) in banks { lines.append(line(name(set, r), r.model, tasks: r.tasks, queries: r.queries, measures(r))) }
        }
        let searched = rows.filter { $0.report.searchRecallWithout != nil }
        if !searched.isEmpty {
            let rules = Evaluation.SearchRule.allCases
            lines += ["", "| set | model | search recall@5 | " + rules.map { "without \($0.rawValue)" }.joined(separator: " | ") + " |",
                      "|---|---|---|" + String(repeating: "---|", count: rules.count)]
            for (set, r) in searched {
                lines.append("| \(name(set, r)) | \(r.model) | \(cell(r.searchRecallAt5)) | " + rules.map { cell(r.searchRecallWithout?[$0]) }.joined(separator: " | ") + " |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
