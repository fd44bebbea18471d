import Foundation
import TestSupport
import Inference
import Testing
@testable import TaskService

/// With an NLI bundle installed, categories come from zero-shot classification (here the
/// small random-weight BERT NLI fixture: the numbers are arbitrary, the plumbing is not).
@Suite struct ZeroShotCategoryTests {
    /// A weights directory holding the real MiniLM bundle (linked) and the converted BERT NLI fixture.
    static func weightsWithNLI() throws -> URL {
        let weights = FileManager.default.temporaryDirectory.appendingPathComponent("weights-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: weights, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: weights.appendingPathComponent(ModelRegistry.embeddingBundleName),
                                                   withDestinationURL: PackagePaths.weights.appendingPathComponent(ModelRegistry.embeddingBundleName))
        let checkpoint = PackagePaths.fixtures("InferenceTests").appendingPathComponent("nli/bert/checkpoint")
        _ = try CheckpointConverter(input: checkpoint, output: weights.appendingPathComponent("nli-bert")).convert(name: "nli-bert")
        return weights
    }

    @Test func categoriesComeFromTheNLIModelAndItsCache() throws {
        let weights = try Self.weightsWithNLI()
        let nli = try ZeroShotClassifier(bundle: ModelBundle(directory: weights.appendingPathComponent("nli-bert")))

        let store = try TaskStore()
        let settings = EnrichmentSettings()
        let task = try store.add(TodoTask(title: "Pay the electricity bill", description: "before Friday"))
        let enriched = try Enricher(store: store, settings: settings, models: ModelRegistry(weightsDirectory: weights)).enrich(ids: [task.id!])[0]

        let labels = settings.categories.map(\.name)
        let direct = try nli.classify("Pay the electricity bill\nbefore Friday", labels: labels, template: settings.zeroShotTemplate)
        let expected = Double(direct.scores[0]) >= 2.0 / Double(labels.count) ? direct.labels[0] : Enricher.uncategorized
        #expect(enriched.category == expected)
        #expect(enriched.provenance[.category]?.model == nli.bundle.config.fingerprint)
        #expect(abs((enriched.provenance[.category]?.score ?? 0) - Double(direct.scores[0])) < 1e-6)
        #expect(try ResultCache(store: store).statistics().byOperation?["zero-shot"] == 1)
        // Priority and tags still come from the embedding model.
        #expect(enriched.provenance[.tags]?.model != nli.bundle.config.fingerprint)
        // explain shows the NLI model's probabilities for every label (single-label: they sum to 1).
        let explained = try Enricher(store: store, settings: settings, models: ModelRegistry(weightsDirectory: weights)).explain(enriched).category
        #expect(explained.byZeroShot && explained.category == (expected == Enricher.uncategorized ? nil : expected))
        #expect(abs(explained.scores.map(\.score).reduce(0, +) - 1) < 1e-4 && explained.scores.count == labels.count)
        // A text without words is not sent to the NLI model either.
        let noise = try store.add(TodoTask(title: "🎉🎉 ???"))
        #expect(try Enricher(store: store, settings: settings, models: ModelRegistry(weightsDirectory: weights)).enrich(ids: [noise.id!])[0].category
                == Enricher.uncategorized)
        #expect(try ResultCache(store: store).statistics().byOperation?["zero-shot"] == 1)
    }

    /// Beyond `zeroShotMaxWindows` NLI windows (a pasted document: hours of NLI passes), the
    /// embedding categorizer judges the whole text; shorter texts still go to the NLI model.
    @Test func longTextsAreCategorizedByEmbeddingsBeyondTheNLIWindowLimit() throws {
        let weights = try Self.weightsWithNLI()
        let registry = ModelRegistry(weightsDirectory: weights)
        var settings = EnrichmentSettings()
        settings.zeroShotMaxWindows = 2
        let long = String(repeating: "Quarterly budget review with the finance team and the client. ", count: 80)
        let windows = try #require(try registry.zeroShot()).windowCount(long, labels: settings.categories.map(\.name), template: settings.zeroShotTemplate)
        #expect(windows > 2)
        let store = try TaskStore()
        let ids = try [TodoTask(title: "Budget notes", description: long), TodoTask(title: "Pay the electricity bill")].map { try store.add($0).id! }
        let enricher = Enricher(store: store, settings: settings, models: registry)
        let out = try enricher.enrich(ids: ids)
        #expect(try !enricher.explain(out[0]).category.byZeroShot && out[0].category == "Finance")
        #expect(try enricher.explain(out[1]).category.byZeroShot)
        #expect(try ResultCache(store: store).statistics().byOperation?["zero-shot"] == 1)  // only the short text ran through NLI
        // 0 lifts the limit.
        settings.zeroShotMaxWindows = 0
        let unlimited = Enricher(store: store, settings: settings, models: registry)
        #expect(try unlimited.explain(try unlimited.enrich(ids: [ids[0]])[0]).category.byZeroShot)
        #expect(throws: SettingsError.self) { try EnrichmentSettings.overriding(with: Data(#"{"zeroShotMaxWindows": -1}"#.utf8)) }
    }
}
