import Foundation
import Testing
import Tokenizers
@testable import TaskService

/// The in-memory search index against a brute-force reference.
@Suite struct SearchIndexTests {
    @Test func topMatchesBruteForce() {
        var rng = SeededGenerator(seed: 11)
        let words = ["invoice", "dentist", "passport", "groceries", "declutter", "garage"]
        let entries = (0..<2_000).map { i in
            SearchIndex.Entry(id: Int64(i + 1), done: i % 9 == 0, vector: (0..<16).map { _ in Float.random(in: -1...1, using: &rng) },
                              text: "Task \(i) \(words[i % words.count]) \(i % 5 == 0 ? "decluttering" : "")")
        }
        let index = SearchIndex(entries: entries)
        for trial in 0..<20 {
            let q = (0..<16).map { _ in Float.random(in: -1...1, using: &rng) }
            let stems = trial % 2 == 0 ? ["declutter", "garag"] : []
            let includeDone = trial % 3 == 0
            let got = index.top(q, stems: stems, keywordWeight: 0.5, limit: 7, includeDone: includeDone)
            var expected: [(id: Int64, score: Float)] = []
            for e in entries where includeDone || !e.done {
                let ws = SearchIndex.words(e.text)
                let found = stems.filter { s in ws.contains { $0.hasPrefix(s) } }.count
                let share: Float = stems.isEmpty ? 0 : Float(found) / Float(stems.count)
                var dot: Float = 0
                for k in 0..<16 { dot += q[k] * e.vector[k] }
                expected.append((e.id, dot + 0.5 * share))
            }
            expected.sort { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
            expected = Array(expected.prefix(7))
            #expect(got.map(\.id) == expected.map(\.id))
            for (g, e) in zip(got, expected) { #expect(abs(g.similarity + 0.5 * g.keywordShare - e.score) < 1e-4 && abs(g.score - e.score) < 1e-4) }
        }
    }

    @Test func emptyIndexAndPrefixWords() {
        #expect(SearchIndex(entries: []).top([], stems: ["x"], keywordWeight: 0.1, limit: 5, includeDone: true).isEmpty)
        let index = SearchIndex(entries: [.init(id: 1, done: false, vector: [1, 0], text: "Decluttering the GARAGE"),
                                          .init(id: 2, done: false, vector: [1, 0], text: "vacation photos")])
        #expect(index.keywordCounts(["declutter", "garag"]) == [0: 2])
        #expect(index.keywordCounts(["cat"]).isEmpty)  // word starts only: "vacation" does not match
        #expect(index.rows(withWord: "garage") == [0])
        #expect(index.rows(withWord: "garag").isEmpty)  // names match whole words, not prefixes
    }

    @Test func boostsReorderAndAreReported() {
        let index = SearchIndex(entries: [.init(id: 1, done: false, vector: [1, 0], text: "a"),
                                          .init(id: 2, done: false, vector: [0.9, 0], text: "b"),
                                          .init(id: 3, done: true, vector: [0.8, 0], text: "c")])
        var scores = index.scores([1, 0], stems: [])
        #expect(index.top(scores, keywordWeight: 0.1, limit: 2, includeDone: false).map(\.id) == [1, 2])
        scores.boosts[1] = 0.2
        scores.boosts[2] = 0.5  // a done task stays out unless asked for
        let top = index.top(scores, keywordWeight: 0.1, limit: 2, includeDone: false)
        #expect(top.map(\.id) == [2, 1] && top[0].boost == 0.2 && top[1].boost == 0)
        #expect(index.top(scores, keywordWeight: 0.1, limit: 1, includeDone: true).map(\.id) == [3])
    }

    /// The byte-level path for ASCII text cuts exactly the words the Character-level one does.
    @Test func asciiWordsMatchTheGeneralSplit() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("abcXYZ019 _-'.,:/()#@!?\t\nQq")
        for _ in 0..<2000 {
            let text = String((0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            let general = text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
            #expect(SearchIndex.words(text) == general, "\(String(reflecting: text))")
        }
        #expect(SearchIndex.words("Zürich — Café TODO") == ["zürich", "café", "todo"])
    }
}

/// Tasks given one by one, for tests (the store builds the index from rows directly).
extension SearchIndex {
    struct Entry {
        var id: Int64
        var done: Bool
        var vector: [Float]
        var text: String
    }

    init(entries: [Entry]) {
        self.init(ids: entries.map(\.id), done: entries.map(\.done), matrix: entries.flatMap(\.vector),
                  dimension: entries.first?.vector.count ?? 0, texts: entries.map(\.text))
    }
}
