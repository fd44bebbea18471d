import Foundation
import TaskService

/// The labelled sets of a folder and the Markdown table `todo eval --report` writes of them.
struct EvalReport {
    /// `tasks_NAME.jsonl`, with its queries when `search_NAME.jsonl` sits beside it.
    struct LabelledSet {
        var name: String
        var tasks: URL
        var queries: URL?
        /// The subfolder's name when it holds several sets (`bank`, `fresh`): the first table
        /// gives them one row per model, their mean.
        var group: String?
    }

    /// One set measured with one model.
    struct Row {
        var set: String
        var group: String?
        var report: Evaluation.Report
    }

    /// Every set under `folder` (one level of subfolders too): dev and blind first, then by name.
    static func sets(in folder: URL) throws -> [LabelledSet] {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure("\(folder.path) is not a folder of labelled sets (tasks_NAME.jsonl, search_NAME.jsonl).")
        }
        func set(_ tasks: URL, group: String?) -> LabelledSet {
            let name = String(tasks.deletingPathExtension().lastPathComponent.dropFirst("tasks_".count))
            let queries = tasks.deletingLastPathComponent().appendingPathComponent("search_\(name).jsonl")
            return LabelledSet(name: name, tasks: tasks, queries: fm.fileExists(atPath: queries.path) ? queries : nil, group: group)
        }
        func taskFiles(_ urls: [URL]) -> [URL] { urls.filter { $0.lastPathComponent.hasPrefix("tasks_") && $0.pathExtension == "jsonl" } }
        let top = try fm.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        var sets = taskFiles(top).map { set($0, group: nil) }
        for subfolder in top.filter(\.hasDirectoryPath) {
            let files = taskFiles((try? fm.contentsOfDirectory(at: subfolder, includingPropertiesForKeys: nil)) ?? [])
            sets += files.map { set($0, group: files.count > 1 ? subfolder.lastPathComponent : nil) }
        }
        guard !sets.isEmpty else { throw CommandFailure("\(folder.path) holds no tasks_NAME.jsonl.") }
        let first = ["dev", "blind"]
        return sets.sorted { (first.firstIndex(of: $0.name) ?? first.count, $0.name) < (first.firstIndex(of: $1.name) ?? first.count, $1.name) }
    }

    /// The first table: one row per set and model ("-" where a set has no such label or no
    /// queries), each group of sets (the bank sets, the fresh sets) as one row per model, the
    /// mean of its sets (the README's table). Then each grouped set's own rows; then, for the
    /// sets with queries, search's recall with each of its terms left out.
    static func markdown(_ rows: [Row]) -> String {
        func cell(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "-" }
        // A labelled set of the banks is measured with itself left out of them, and says so.
        func name(_ row: Row) -> String { row.report.leftOutOfBank.isEmpty ? row.set : row.set + " (left out of the bank)" }
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
        func meanLines(of group: String) -> [String] {
            let members = rows.filter { $0.group == group }
            let names = distinctInOrder(members.map(\.set))
            let leftOut = members.allSatisfy { !$0.report.leftOutOfBank.isEmpty } ? ", each left out" : ""
            let label = names.count > 1 ? "\(group) sets \(names.first!)–\(names.last!) (mean of \(names.count)\(leftOut))" : "\(group) set \(names[0])"
            return distinctInOrder(members.map(\.report.model)).map { model in
                let own = members.map(\.report).filter { $0.model == model }
                let means = (0..<7).map { i in mean(own.compactMap { measures($0)[i] }) }
                return line(label, model, tasks: own.map(\.tasks).reduce(0, +), queries: own.map(\.queries).reduce(0, +), means)
            }
        }
        func rowLine(_ row: Row) -> String {
            line(name(row), row.report.model, tasks: row.report.tasks, queries: row.report.queries, measures(row.report))
        }
        // A group's rows go at the place of its first set.
        var lines = header
        var groupsWritten: Set<String> = []
        for row in rows {
            if let group = row.group {
                if groupsWritten.insert(group).inserted { lines += meanLines(of: group) }
            } else {
                lines.append(rowLine(row))
            }
        }
        let grouped = rows.filter { $0.group != nil }
        if !grouped.isEmpty {
            lines += [""] + header
            lines += grouped.map(rowLine)
        }
        let searched = rows.filter { $0.report.searchRecallWithout != nil }
        if !searched.isEmpty {
            let rules = Evaluation.SearchRule.allCases
            lines += ["", "| set | model | search recall@5 | " + rules.map { "without \($0.rawValue)" }.joined(separator: " | ") + " |",
                      "|---|---|---|" + String(repeating: "---|", count: rules.count)]
            for row in searched {
                let r = row.report
                lines.append("| \(name(row)) | \(r.model) | \(cell(r.searchRecallAt5)) | " + rules.map { cell(r.searchRecallWithout?[$0]) }.joined(separator: " | ") + " |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func distinctInOrder(_ items: [String]) -> [String] {
        items.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    private static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
}
