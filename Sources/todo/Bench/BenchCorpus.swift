import Tokenizers
import SeededRandom

/// The benchmark corpus: to-do titles and descriptions as people type them,
/// generated deterministically so every run (ours and the reference) sees the same text.
enum BenchCorpus {
    static func texts(count: Int = 20_000) -> [String] {
        var rng = SeededGenerator(seed: 2026)
        let verbs = ["Buy", "Call", "Renew", "Submit", "Book", "Fix", "Review", "Prepare", "Pay", "Email", "Schedule", "Return", "Practice", "Plan"]
        let objects = ["milk and eggs", "the dentist", "passport before the trip", "expense report for Q3", "flights to Lisbon",
                       "the leaking kitchen tap", "pull request #482", "slides for Monday's all-hands", "rent (€1.250)", "Zoë about the café",
                       "car insurance renewal", "running shoes — size 44", "Spanish lesson 12", "tax return 2026", "birthday gift for mum 🎁"]
        let tails = ["", " asap", " tomorrow", " before Friday", " this week", " — urgent!", " (see e-mail)", " https://example.com/t/8841", ""]
        let sentence = ["Remember to bring the documents.", "Ask Jürgen whether the invoice was paid.", "The deadline moved to 2026-12-01.",
                        "Don't forget the receipts; they're in the blue folder.", "Meeting notes: budget ↑ 12%, hiring freeze until Q2.",
                        "Naïve estimate: 3–4 hours.", "东京 office needs the signed copy.", "Call back at +49 30 1234567 after 10:30am."]
        var out: [String] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            var text = verbs[rng.below(verbs.count)] + " " + objects[rng.below(objects.count)] + tails[rng.below(tails.count)]
            if i % 4 == 0 {
                for _ in 0..<(1 + rng.below(i % 20 == 0 ? 40 : 6)) { text += " " + sentence[rng.below(sentence.count)] }
            }
            out.append(text)
        }
        return out
    }

    /// About `bytes` of the corpus's text, one long document.
    static func document(bytes: Int) -> String {
        var out = "", i = 0
        let texts = Self.texts(count: 2_000)
        out.reserveCapacity(bytes + 512)
        while out.utf8.count < bytes { out += texts[i % texts.count] + (i % 7 == 0 ? ".\n" : " "); i += 1 }
        return out
    }

    /// About `bytes` of the corpus's text without a space: one word a pre-tokenizer cannot split.
    static func oneWord(bytes: Int) -> String {
        String(document(bytes: bytes).unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
    }
}
