import Foundation
import TaskService

/// Human-readable task lines.
enum TaskText {
    /// A title, tag or category on one line: line breaks and tabs (a pasted title, an imported
    /// task) become spaces. (Other control characters are replaced where every line is
    /// written, `Console`.) The stored text is unchanged.
    static func oneLine(_ text: String) -> String {
        guard text.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\r\n" }) else { return text }
        return String(text.map { $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\r\n" ? " " : $0 })
    }

    /// A description as typed, its lines (also Windows' \r\n and old Macs' \r) and tabs kept.
    static func printable(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    /// "#tag #other tag", each on one line.
    static func hashtags(_ tags: [String]) -> String {
        tags.map { "#\(oneLine($0))" }.joined(separator: " ")
    }

    static func dueText(_ date: Date, now: Date = Date()) -> String {
        let f = DateFormatter()
        f.dateFormat = "EEE yyyy-MM-dd HH:mm"
        let text = f.string(from: date)
        return date < now ? "\(text), overdue" : text
    }

    static func line(_ t: TodoTask) -> String {
        var parts = ["\(t.id ?? 0)".padded(to: 5), t.status == .done ? "✔" : " ",
                     (t.priority?.rawValue ?? "-").padded(to: 7), oneLine(t.title)]
        if let due = t.due { parts.append("(due \(dueText(due)))") }
        if let c = t.category { parts.append("[\(oneLine(c))]") }
        if !t.tags.isEmpty { parts.append(hashtags(t.tags)) }
        return parts.joined(separator: " ")
    }

    /// "AI: Finance · high · #refund #flight" for the fields the AI set, nil when none.
    static func aiSummary(_ t: TodoTask) -> String? {
        var parts: [String] = []
        if t.provenance[.category] != nil, let c = t.category { parts.append(oneLine(c)) }
        if t.provenance[.priority] != nil, let p = t.priority { parts.append(p.rawValue) }
        if t.provenance[.tags] != nil, !t.tags.isEmpty { parts.append(hashtags(t.tags)) }
        return parts.isEmpty ? nil : "AI: " + parts.joined(separator: " · ")
    }

    /// `queued`: why the fields the AI fills are still empty (its job waits), from `todo show`.
    static func details(_ t: TodoTask, queued: String? = nil) -> String {
        var lines = ["Task \(t.id ?? 0): \(oneLine(t.title))", "  uuid      \(t.uuid.uuidString.lowercased())", "  status    \(t.status.rawValue)"]
        // Which fields the AI set; the model's fingerprint is in --json, a user can act on `explain`.
        let byAI = { (field: AIField) in t.provenance[field] == nil ? "" : " (AI)" }
        lines.append("  priority  \(t.priority?.rawValue ?? "-")\(byAI(.priority))")
        lines.append("  category  \(t.category.map(oneLine) ?? "-")\(byAI(.category))")
        lines.append("  tags      \(t.tags.isEmpty ? "-" : t.tags.map(oneLine).joined(separator: ", "))\(byAI(.tags))")
        lines.append("  due       \(t.due.map { dueText($0) } ?? "-")")
        lines.append("  created   \(TaskOutput.iso(t.created))   updated \(TaskOutput.iso(t.updated))")
        if let c = t.completed { lines.append("  completed \(TaskOutput.iso(c))") }
        if !t.provenance.isEmpty, let id = t.id { lines.append("  (AI): set by the AI; `todo explain \(id)` says why, `todo edit \(id)` sets yours") }
        if let queued { lines.append("  AI fields \(queued)") }
        if !t.description.isEmpty { lines += ["", printable(t.description)] }
        return lines.joined(separator: "\n")
    }
}
