import Foundation
import Testing
import Tokenizers
@testable import TaskService
import SeededRandom

/// The in-memory search index against a brute-force reference.
@Suite struct SearchIndexTests {
    @Test func topMatchesBruteForce() throws {
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
            let got = try index.top(q, stems: stems, keywordWeight: 0.5, limit: 7, includeDone: includeDone)
            var expected: [(id: Int64, score: Float)] = []
            for e in entries where includeDone || !e.done {
                let ws = TextFeatures.alphanumericWords(e.text)
                let found = stems.filter { s in ws.contains { $0.hasPrefix(s) } }.count
                let share: Float = stems.isEmpty ? 0 : Float(found) / Float(stems.count)
                var dot: Float = 0
                for k in 0..<16 { dot += q[k] * e.vector[k] }
                expected.append((e.id, dot + 0.5 * share))
            }
            expected.sort { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
            expected = Array(expected.prefix(7))
            #expect(got.map(\.id) == expected.map(\.id))
            // A limit beyond the ordered list's: sorted instead, the same order.
            let many = try index.top(q, stems: stems, keywordWeight: 0.5, limit: SearchIndex.insertionLimit + 1, includeDone: includeDone)
            #expect(Array(many.prefix(7)).map(\.id) == expected.map(\.id) && many.count == SearchIndex.insertionLimit + 1)
            for (g, e) in zip(got, expected) { #expect(abs(g.similarity + 0.5 * g.keywordShare - e.score) < 1e-4 && abs(g.score - e.score) < 1e-4) }
        }
    }

    @Test func emptyIndexAndPrefixWords() throws {
        #expect(try SearchIndex(entries: []).top([], stems: ["x"], keywordWeight: 0.1, limit: 5, includeDone: true).isEmpty)
        let index = SearchIndex(entries: [.init(id: 1, done: false, vector: [1, 0], text: "Decluttering the GARAGE"),
                                          .init(id: 2, done: false, vector: [1, 0], text: "vacation photos")])
        #expect(try index.keywordCounts(["declutter", "garag", "garag"]) == [2, 0])
        #expect(try index.keywordCounts(["cat"]) == [0, 0])  // word starts only: "vacation" does not match
        let twice = SearchIndex(entries: [.init(id: 1, done: false, vector: [1, 0], text: "van vans vanilla")])
        #expect(try twice.keywordCounts(["van"]) == [1])  // once per stem, however many words it starts
    }

    @Test func topicBonusesReorderAndAreReported() throws {
        let index = SearchIndex(entries: [.init(id: 1, done: false, vector: [1, 0], text: "a"),
                                          .init(id: 2, done: false, vector: [0.9, 0], text: "b"),
                                          .init(id: 3, done: true, vector: [0.8, 0], text: "c")])
        var scores = try index.scores([1, 0], stems: [])
        #expect(try index.top(scores, keywordWeight: 0.1, limit: 2, includeDone: false).map(\.id) == [1, 2])
        scores.topicBonuses[1] = 0.6
        scores.topicBonuses[2] = 0.5  // a done task stays out unless asked for
        let withTopic = try index.top(scores, keywordWeight: 0.1, limit: 2, includeDone: false)
        #expect(withTopic.map(\.id) == [2, 1] && withTopic[0].topicBonus == 0.6 && withTopic[1].topicBonus == 0)
        #expect(abs(withTopic[0].score - (0.9 + 0.6)) < 1e-6)
        #expect(try index.top(scores, keywordWeight: 0.1, limit: 3, includeDone: true).map(\.id) == [2, 3, 1])
        #expect(index.topRows(scores, keywordWeight: 0.1, limit: 3, includeDone: true) == [1, 2, 0])
        // Ranked among given rows only, scored the same way.
        let among = try index.top(scores, keywordWeight: 0.1, limit: 5, includeDone: true, among: [2, 0])
        #expect(among.map(\.id) == [3, 1] && abs(among[0].score - 1.3) < 1e-6 && among[1].score == 1)
        #expect(try index.top(scores, keywordWeight: 0.1, limit: 5, includeDone: false, among: [2, 0]).map(\.id) == [1])
        // Topic vectors: the search vectors unless given apart.
        #expect(try index.topicVectors(ofRows: [2, 0]) == [0.8, 0, 1, 0])
        let apart = SearchIndex(ids: [1, 2], done: [false, false], matrix: [1, 0, 0, 1], topicMatrix: [0, 1, 1, 0], dimension: 2, texts: ["a", "b"])
        #expect(try apart.topicVectors(ofRows: [1]) == [1, 0] && apart.similarities([1, 0]) == [1, 0])
    }

    /// A topic distribution from synthetic vectors: sharp for a text in one topic, even for a
    /// text in none; vectors are normalized before they are compared.
    @Test func topicDistributions() throws {
        let vectors: [String: [Float]] = ["tidy": [1, 0, 0], "sort the shed": [1, 0, 0], "give away books": [0.8, 0.6, 0],
                                          "doctor": [0, 1, 0], "dentist": [0, 1, 0], "GP": [0.6, 0.8, 0]]
        let bridge = try TopicBridge(topics: [SearchTopic(name: "tidy", examples: ["sort the shed", "give away books"]),
                                              SearchTopic(name: "doctor", examples: ["dentist", "GP"])]) { texts in texts.map { vectors[$0]! } }
        let query = bridge.distribution(ofQuery: [1, 0, 0])
        #expect(abs(query.reduce(0, +) - 1) < 1e-5 && query[0] > 0.99)
        #expect(bridge.distribution(ofQuery: [0, 0, 1]).isEmpty)  // about none of the topics
        let tasks = bridge.distributions(of: [0, 3, 0, /* none: */ 0, 0, 2], count: 2)
        #expect(tasks[0][1] > 0.99)
        #expect(abs(tasks[1][0] - 0.5) < 1e-5 && abs(tasks[1][1] - 0.5) < 1e-5)
        #expect(bridge.distributions(of: [1, 0], count: 1) == [[]])  // a vector of the wrong length: no distribution
        #expect(bridge.distributions(of: [0, 0, 0, 1, 0, 0], count: 2) == [[], [1, 0]].map { $0.isEmpty ? [] : bridge.distributions(of: [1, 0, 0], count: 1)[0] })
        #expect(TopicBridge.softmax([]).isEmpty)
        // A topic without examples is scored by its name alone, and never crashes the product.
        let bare = try TopicBridge(topics: [SearchTopic(name: "tidy", examples: [])]) { texts in texts.map { vectors[$0]! } }
        #expect(bare.distribution(ofQuery: [1, 0, 0]) == [1])
        #expect(bare.distributions(of: [1, 0, 0], count: 1) == [[1]])
    }

    /// The byte-level path for ASCII text cuts exactly the words the Character-level one does.
    @Test func asciiWordsMatchTheGeneralSplit() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("abcXYZ019 _-'.,:/()#@!?\t\nQq")
        for _ in 0..<2000 {
            let text = String((0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            let general = text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
            #expect(TextFeatures.alphanumericWords(text) == general, "\(String(reflecting: text))")
        }
        #expect(TextFeatures.alphanumericWords("Zürich — Café TODO") == ["zürich", "café", "todo"])
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
