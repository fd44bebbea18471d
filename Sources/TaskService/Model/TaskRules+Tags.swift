import Foundation

extension TaskRules {
    /// Tags as given, trimmed, without the "#" people type before a tag (it is shown as
    /// "#travel"; stored, "#Travel" would print as "##Travel" and not match --tag travel), each
    /// once ("Travel" after "travel" is the same tag), appended to `existing`; the index of the
    /// first blank one is a `TaskProblem` naming `tags[i]`.
    public static func normalizedTags(_ values: [String], appendedTo existing: [String] = []) throws(TaskProblem) -> [String] {
        var out = existing
        for (i, value) in values.enumerated() {
            let tag = value.trimmingCharacters(in: .whitespacesAndNewlines).drop { $0 == "#" }.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !tag.isEmpty else { throw TaskProblem(field: "tags[\(i)]", value.contains("#") ? "is only a #" : "is empty") }
            if !out.contains(where: { $0.caseInsensitiveCompare(tag) == .orderedSame }) { out.append(tag) }
        }
        return out
    }
}
