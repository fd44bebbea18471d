import Foundation
import Testing
import TestSupport
@testable import TaskService

/// The labelled tasks built into the app (`Tools/eval/bank`) and the tags their nearest ones lend.
@Suite struct LabelledTasksTests {
    /// The generated Swift holds every bank line as Tools/eval/labelled_bank.py writes it: a bank set
    /// changed without running the script fails here.
    @Test func builtInTasksAreTheBankFilesOfTheRepository() throws {
        let folder = PackagePaths.root.appendingPathComponent("Tools/eval/bank")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("tasks_") && $0.hasSuffix(".jsonl") }.sorted()
        #expect(files == ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o"].map { "tasks_\($0).jsonl" })
        var expected: [LabelledTask] = []
        for file in files {
            let set = String(file.dropFirst("tasks_".count).dropLast(".jsonl".count))
            for line in try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8).split(separator: "\n") where !line.isEmpty {
                let task = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let text = LabelledTask.text(title: task["title"] as! String, description: (task["description"] as? String) ?? "")
                expected.append(LabelledTask(set: set, text: text, category: task["category"] as! String, tags: task["tags"] as! [String]))
            }
        }
        #expect(expected.count == 3_300)
        #expect(LabelledTask.builtIn == expected)
    }

    @Test func everyLabelledTaskHasADefaultCategoryAndOneToFourTags() {
        let names = Set(CategoryDefinition.defaults.map(\.name))
        for task in LabelledTask.builtIn {
            #expect(names.contains(task.category), "\(task.text): \(task.category)")
            #expect((1...4).contains(task.tags.count), "\(task.text): \(task.tags)")
        }
        #expect(Set(LabelledTask.builtIn.map(\.set)) == ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o"])
        #expect(LabelledTask.builtIn(sets: ["b"]).count == 220 && LabelledTask.builtIn(sets: []).isEmpty)
    }

    /// A measurement leaves a set out through the settings; then none of its texts is embedded or compared.
    @Test func settingsChooseWhichSetsJoinTheBanks() {
        var settings = EnrichmentSettings()
        let all = ExampleBanks(settings: settings).texts.count
        settings.labelledSets = ["a", "c"]
        let withoutB = ExampleBanks(settings: settings)
        let b = LabelledTask.builtIn(sets: ["b"])
        let onlyB = Set(b.map(\.text)).subtracting(LabelledTask.builtIn(sets: ["a", "c"]).map(\.text))
        #expect(withoutB.texts.count < all)
        #expect(Set(withoutB.texts).isDisjoint(with: onlyB))
        settings.labelledSets = []
        let none = ExampleBanks(settings: settings)
        #expect(none.texts.count == all - LabelledTask.builtIn.count - ExampleBanks.distinctTags(of: LabelledTask.builtIn).count)
    }

    @Test func distinctTagsAreLowercasedAndKeptOnce() {
        let tasks = [LabelledTask(set: "x", text: "a", category: "Finance", tags: ["Bills", "rent"]),
                     LabelledTask(set: "x", text: "b", category: "Finance", tags: ["bills", "bank"])]
        #expect(ExampleBanks.distinctTags(of: tasks) == ["bills", "rent", "bank"])
    }

    @Test func nearerTasksLendMoreSupport() {
        func task(_ tags: [String]) -> LabelledTask { LabelledTask(set: "x", text: "", category: "Finance", tags: tags) }
        let labelled: [(task: LabelledTask, vector: [Float])] = [
            (task(["bills", "electricity"]), [1, 0, 0]),
            (task(["Bill", "gas"]), [0.8, 0.6, 0]),      // "Bill" is "bills" by its tag key
            (task(["garden"]), [0, 0, 1]),              // orthogonal: lends nothing
            (task(["travel"]), [0, 1, 0]),
        ]
        let votes = TagVotes.votes(for: [1, 0, 0], among: labelled, neighbours: 3)
        #expect(votes.first?.share == 1)  // on both tasks that resemble it at all
        #expect(votes.map(\.tag).prefix(3) == ["bills", "electricity", "gas"] || votes.map(\.tag).prefix(3) == ["bill", "electricity", "gas"])
        #expect(abs(votes[1].share - 1 / 1.8) < 1e-6)  // similarities are Float
        #expect(!votes.contains { $0.tag == "garden" || $0.tag == "travel" })
        // Only the nearest count.
        #expect(TagVotes.votes(for: [1, 0, 0], among: labelled, neighbours: 1).map(\.tag) == ["bills", "electricity"])
        #expect(TagVotes.votes(for: [1, 0, 0], among: labelled, neighbours: 0).isEmpty)
        #expect(TagVotes.votes(for: [1, 0, 0], among: [], neighbours: 5).isEmpty)
    }

    /// Support lifts a topic the text does not say over a weak phrase of the text.
    @Test func supportedTagsBeatWeakPhrases() {
        let pool = [Tagger.Entry(phrase: "electricity", bonus: 1, fromText: true), Tagger.Entry(phrase: "invoice", bonus: 0, fromText: true),
                    Tagger.Entry(phrase: "bills", bonus: 0, fromText: false, support: 0.9, borrowed: true)]
        let vectors: [[Float]] = [[1, 0, 0], [0.5, 0.87, 0], [0.45, 0, 0.89]]
        var settings = TagSettings()
        settings.count = 2
        #expect(Tagger(settings: settings).pick(taskVector: [1, 0, 0], pool: pool, vectors: vectors, knownTags: [], removed: []).map(\.tag)
                == ["bills", "electricity"])
        // Without the neighbours' weight, and without the learned ranking (which reads their support too), the text decides.
        settings.neighbourWeight = 0
        settings.learnedWeight = 0
        #expect(Tagger(settings: settings).pick(taskVector: [1, 0, 0], pool: pool, vectors: vectors, knownTags: [], removed: []).map(\.tag)
                == ["electricity", "invoice"])
    }
}
