import Tokenizers

/// The inputs of the embedding benchmark, identical for ours and the reference.
enum EmbeddingWorkloads {
    static let shortSentence = "Renew passport before the trip to Lisbon"
    static let shortSentences: [String] = (0..<32).map { i in
        let texts = ["Buy milk and eggs", "Call the dentist about the appointment", "Submit the Q3 expense report before Friday",
                     "Book flights to Lisbon for the conference", "Fix the leaking kitchen tap", "Review pull request 482 today",
                     "Pay the electricity bill", "Practice Spanish verbs for twenty minutes"]
        return texts[i % texts.count] + (i >= texts.count ? " (\(i))" : "")
    }

    /// A text of exactly `tokens` content tokens for `tokenizer` (special tokens come on top).
    static func text(tokens: Int, tokenizer: Tokenizer) -> String {
        let words = "the quarterly budget review covers hiring vendor contracts travel and the new office lease".split(separator: " ")
        var parts: [Substring] = []
        var i = 0
        while tokenizer.encodeContent(parts.joined(separator: " ")).count < tokens {
            parts.append(words[i % words.count])
            i += 1
        }
        while tokenizer.encodeContent(parts.joined(separator: " ")).count > tokens { parts.removeLast() }
        return parts.joined(separator: " ")
    }
}
