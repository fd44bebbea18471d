import Foundation

/// Names in a task's text: capitalised words that do not start a sentence ("Pay music school
/// tuition for Jonas" → jonas; "Jonas's checkup" → jonas), lowercased. All-caps words
/// (acronyms, shouted URGENT) and calendar words (Friday, May) are not names.
///
/// Search uses them for feedback: a query about someone ("my son") finds some of that
/// person's tasks by meaning, and the name those tasks share brings the others.
enum NamedEntities {
    /// Names in the title and the description.
    static func names(of task: TodoTask) -> Set<String> { names(in: task.title + "\n" + task.description) }

    static func names(in text: String) -> Set<String> {
        var out: Set<String> = []
        for line in text.split(whereSeparator: \.isNewline) {
            var sentenceStart = true
            var word = ""
            func flush() {
                defer { word = ""; }
                guard !word.isEmpty else { return }
                let starts = sentenceStart
                sentenceStart = false
                let name = TextFeatures.withoutPossessive(word) ?? word
                guard !starts, name.count >= 3, let first = name.first, first.isUppercase,
                      name.contains(where: \.isLowercase) else { return }
                let key = name.lowercased()
                if !Tagger.stopWords.contains(key) { out.insert(key) }
            }
            for ch in line {
                if ch.isLetter || ch.isNumber || ((ch == "'" || ch == "’") && !word.isEmpty) {
                    word.append(ch)
                } else {
                    flush()
                    // Sentence and clause breaks: the next word may be capitalised for grammar, not as a name.
                    if ".!?:;—–•".contains(ch) { sentenceStart = true }
                }
            }
            flush()
        }
        return out
    }
}
