import Foundation
import Testing
@testable import Inference
import Tokenizers

/// NLI cross-encoders and the zero-shot classifier against transformers, on the
/// random-weight checkpoints of Tools/reference/generate_nli_fixtures.py.
@Suite struct ZeroShotTests {
    struct LogitsRow: Decodable { var premise: String; var hypothesis: String; var logits: [Float] }
    struct PipelineRow: Decodable {
        var text: String; var labels: [String]; var template: String; var multi_label: Bool
        var result_labels: [String]; var scores: [Float]
    }

    /// Converts the fixture checkpoint of `arch` with convert-weights into a temporary bundle.
    static func bundle(_ arch: String) throws -> ModelBundle {
        let input = ModelFixtures.fixtures.appendingPathComponent("nli/\(arch)/checkpoint")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("nli-\(arch)-\(UUID().uuidString)")
        _ = try CheckpointConverter(input: input, output: output).convert(name: "nli-\(arch)")
        return try ModelBundle(directory: output)
    }

    @Test(arguments: ["bert", "roberta", "bart"])
    func logitsMatchTransformers(arch: String) throws {
        let bundle = try Self.bundle(arch)
        let classifier = try SequenceClassifier(bundle: bundle)
        let rows = try ModelFixtures.lines("nli/\(arch)/logits.jsonl", as: LogitsRow.self)
        #expect(rows.count >= 100)
        var batch = PackedBatch()
        for row in rows {
            let e = try bundle.tokenizer.encode(row.premise, pair: row.hypothesis)
            batch.append(ids: e.ids, typeIds: e.typeIds)
        }
        let logits = try classifier.logits(batch)
        var worst: Float = 0
        for (row, mine) in zip(rows, logits) { worst = max(worst, maxAbsDifference(row.logits, mine)) }
        #expect(worst <= 1e-4, "max |logit diff| \(worst)")
    }

    @Test(arguments: ["bert", "roberta", "bart"])
    func pipelineScoresMatchTransformers(arch: String) throws {
        let zeroShot = try ZeroShotClassifier(bundle: Self.bundle(arch))
        let rows = try ModelFixtures.lines("nli/\(arch)/pipeline.jsonl", as: PipelineRow.self)
        #expect(rows.count >= 30 * 2 * 2)
        #expect(Set(rows.map(\.template)).count == 2 && Set(rows.map(\.multi_label)).count == 2)
        var failures: [String] = []
        for row in rows {
            let r = try zeroShot.classify(row.text, labels: row.labels, template: row.template, multiLabel: row.multi_label)
            let expected = Dictionary(uniqueKeysWithValues: zip(row.result_labels, row.scores))
            let diff = zip(r.labels, r.scores).map { abs(expected[$0.0]! - $0.1) }.max()!
            // The order must match wherever scores are not tied within tolerance.
            let orderOK = zip(r.labels, row.result_labels).allSatisfy { $0 == $1 || abs(expected[$0]! - expected[$1]!) <= 1e-4 }
            if diff > 1e-4 || !orderOK || r.windows != 1 {
                failures.append("\(String(reflecting: row.text)) \(row.labels) multi \(row.multi_label): diff \(diff), \(r.labels) vs \(row.result_labels)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(rows.count) differ:\n\(failures.prefix(4).joined(separator: "\n"))")
    }

    @Test func entailmentIsFoundByNameNotPosition() throws {
        let bert = try ZeroShotClassifier(bundle: Self.bundle("bert"))      // contradiction, entailment, neutral
        let roberta = try ZeroShotClassifier(bundle: Self.bundle("roberta"))  // entailment, neutral, contradiction
        #expect(bert.entailmentIndex == 1 && bert.contradictionIndex == 0)
        #expect(roberta.entailmentIndex == 0 && roberta.contradictionIndex == 2)
        let bart = try ZeroShotClassifier(bundle: Self.bundle("bart"))        // contradiction, neutral, entailment
        #expect(bart.entailmentIndex == 2 && bart.contradictionIndex == 0)
    }

    /// Long premises: windows by the rule, hypothesis never cut, and scores aggregated
    /// exactly as documented (max over windows), recomputed here from raw logits.
    @Test(arguments: [false, true])
    func longPremisesUseWindowsAndTheDocumentedAggregation(multiLabel: Bool) throws {
        let bundle = try Self.bundle("bert")
        let zeroShot = try ZeroShotClassifier(bundle: bundle)
        let text = String(repeating: "Notes from the weekly planning meeting about office logistics. ", count: 120) + "Doctor appointment about knee pain"
        let labels = ["health", "finance", "travel"]
        var reported: [(Int, Int)] = []
        let r = try zeroShot.classify(text, labels: labels, template: "This task is about {}.", multiLabel: multiLabel,
                                      progress: { reported.append(($0, $1)) })
        #expect(reported.last.map { $0 == (r.windows, r.windows) } == true && reported.allSatisfy { $0.1 == r.windows && $0.0 <= $0.1 })

        let tok = bundle.tokenizer
        let hypotheses = labels.map { tok.encodeContent("This task is about \($0).", sequence: 1) }
        let premise = tok.encodeContent(text)
        let room = zeroShot.maxLength - 3 - hypotheses.map(\.count).max()!
        let windows = try TokenWindows.ranges(count: premise.count, width: room)
        #expect(r.windows == windows.count && windows.count > 1)
        var best = [Float](repeating: -.infinity, count: labels.count)
        for w in windows {
            var batch = PackedBatch()
            for h in hypotheses {
                let pair = tok.postProcess(premise.slice(w), h)
                #expect(pair.count <= zeroShot.maxLength)
                #expect(Array(pair.ids.suffix(h.count + 1).dropLast()) == h.ids)  // the hypothesis is whole
                batch.append(ids: pair.ids, typeIds: pair.typeIds)
            }
            for (l, logits) in try zeroShot.classifier.logits(batch).enumerated() {
                let evidence = multiLabel
                    ? ZeroShotClassifier.softmax([logits[zeroShot.contradictionIndex], logits[zeroShot.entailmentIndex]])[1]
                    : logits[zeroShot.entailmentIndex]
                best[l] = max(best[l], evidence)
            }
        }
        let expected = multiLabel ? best : ZeroShotClassifier.softmax(best)
        for (label, score) in zip(r.labels, r.scores) {
            #expect(abs(score - expected[labels.firstIndex(of: label)!]) < 1e-6)
        }
        #expect(r.scores == r.scores.sorted(by: >))
    }

    @Test func badInput() throws {
        let zeroShot = try ZeroShotClassifier(bundle: Self.bundle("roberta"))
        #expect(throws: ClassifierError.emptyLabels) { try zeroShot.classify("x", labels: []) }
        #expect(throws: ClassifierError.duplicateLabel("a")) { try zeroShot.classify("x", labels: ["a", "b", "a"]) }
        #expect(throws: ClassifierError.emptyLabel) { try zeroShot.classify("x", labels: ["a", " "]) }
        #expect(throws: ClassifierError.templateWithoutPlaceholder("About it.")) { try zeroShot.classify("x", labels: ["a"], template: "About it.") }
        #expect(throws: ClassifierError.hypothesisTooLong(maxLength: zeroShot.maxLength)) {
            try zeroShot.classify("x", labels: [String(repeating: "very long label ", count: 200)])
        }
        // A sentence-embedding bundle is not an NLI model.
        #expect(throws: BundleError.self) { try ZeroShotClassifier(bundle: ModelFixtures.miniLM()) }
    }

    @Test func checkpointsWithoutUsableLabelsAreRefused() throws {
        let source = ModelFixtures.fixtures.appendingPathComponent("nli/bert/checkpoint")
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("nli-bad-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: source, to: input)
        let configURL = input.appendingPathComponent("config.json")
        let original = try String(contentsOf: configURL, encoding: .utf8)
        // Gap in id2label.
        try original.replacingOccurrences(of: "\"1\": \"entailment\"", with: "\"7\": \"entailment\"").write(to: configURL, atomically: true, encoding: .utf8)
        #expect(throws: ClassifierError.missingLabels(path: configURL.path)) { try CheckpointConverter(input: input, output: input.appendingPathComponent("out")).convert() }
        // Two labels for a three-output head.
        try original.replacingOccurrences(of: ",\n    \"2\": \"neutral\"", with: "").write(to: configURL, atomically: true, encoding: .utf8)
        #expect(throws: ClassifierError.labelCountMismatch(labels: 2, head: 3)) { try CheckpointConverter(input: input, output: input.appendingPathComponent("out")).convert() }
        // No entailment label: converts (it is a classifier) but is no NLI model.
        try original.replacingOccurrences(of: "\"entailment\"", with: "\"agree\"").write(to: configURL, atomically: true, encoding: .utf8)
        _ = try CheckpointConverter(input: input, output: input.appendingPathComponent("out")).convert()
        #expect(throws: ClassifierError.noEntailmentLabel(labels: ["contradiction", "agree", "neutral"])) {
            try ZeroShotClassifier(bundle: ModelBundle(directory: input.appendingPathComponent("out")))
        }
    }
}
