import Foundation
import Tokenizers

/// Zero-shot classification with an NLI cross-encoder, computed as transformers'
/// `ZeroShotClassificationPipeline` does: the text is the premise, each label
/// fills the hypothesis template, all pairs run in one packed batch.
///
/// - Single-label: softmax over the labels' entailment logits.
/// - Multi-label (or a single candidate label): per label, softmax of
///   (contradiction, entailment), the entailment share.
///
/// Entailment and contradiction are found by name in the model's labels
/// (`entail…`, `contradict…`). The pipeline instead takes index 0 (or the last
/// index when entailment is 0) for contradiction; the two agree for every MNLI
/// checkpoint we know of, and where they would not, the names win.
///
/// Long premises are never cut: the premise is split with the window rule of
/// `TokenWindows`, with room for what the longest hypothesis and the special tokens
/// leave; the hypothesis is never truncated. Windows are aggregated per label
/// by the strongest evidence: single-label uses each label's highest entailment
/// logit over the windows, multi-label its highest entailment share. A relevant
/// sentence anywhere in a long description then counts as much as in a short one.
public final class ZeroShotClassifier: Sendable {
    public let bundle: ModelBundle
    public let classifier: SequenceClassifier
    public let entailmentIndex: Int
    public let contradictionIndex: Int
    /// Longest input in tokens, special tokens included.
    public let maxLength: Int
    public let maxBatchTokens: Int

    public static let defaultTemplate = "This example is {}."

    public struct Result: Sendable, Equatable {
        /// Labels sorted by score, highest first.
        public var labels: [String]
        public var scores: [Float]
        /// Premise windows used (1 unless the text was longer than one window).
        public var windows: Int
    }

    public init(bundle: ModelBundle, maxBatchTokens: Int = 8192) throws {
        self.bundle = bundle
        classifier = try SequenceClassifier(bundle: bundle)
        let lower = classifier.labels.map { $0.lowercased() }
        guard let entail = lower.firstIndex(where: { $0.hasPrefix("entail") }) else { throw ClassifierError.noEntailmentLabel(labels: classifier.labels) }
        guard let contra = lower.firstIndex(where: { $0.hasPrefix("contradict") }) else { throw ClassifierError.noContradictionLabel(labels: classifier.labels) }
        entailmentIndex = entail
        contradictionIndex = contra
        maxLength = min(bundle.config.maxLength, classifier.maxSequenceLength)
        self.maxBatchTokens = max(maxBatchTokens, maxLength)
    }

    /// `progress(windows done, windows in all)` after each packed batch: a long premise is
    /// many windows, each run once per label. An error it throws stops the work and is thrown on.
    public func classify(_ text: String, labels: [String], template: String = ZeroShotClassifier.defaultTemplate,
                         multiLabel: Bool = false, progress: ((Int, Int) throws -> Void)? = nil) throws -> Result {
        let (premise, hypotheses, windows) = try pairs(text, labels: labels, template: template)
        let tokenizer = bundle.tokenizer
        // All (window, label) pairs in packed batches.
        var batch = PackedBatch(), logits: [[Float]] = []
        for window in windows {
            let part = premise.slice(window)
            for hypothesis in hypotheses {
                let pair = tokenizer.postProcess(part, hypothesis)
                if batch.tokenCount + pair.count > maxBatchTokens && batch.tokenCount > 0 {
                    logits += try classifier.logits(batch)
                    batch = PackedBatch()
                    try progress?(logits.count / labels.count, windows.count)
                }
                batch.append(ids: pair.ids, typeIds: pair.typeIds)
            }
        }
        if batch.tokenCount > 0 { logits += try classifier.logits(batch) }
        try progress?(windows.count, windows.count)
        // logits[w * labels.count + l]
        var scores = [Float](repeating: 0, count: labels.count)
        if multiLabel || labels.count == 1 {
            for l in labels.indices {
                scores[l] = windows.indices.map { w -> Float in
                    let row = logits[w * labels.count + l]
                    return Self.softmax([row[contradictionIndex], row[entailmentIndex]])[1]
                }.max()!
            }
        } else {
            let entailment = labels.indices.map { l in windows.indices.map { logits[$0 * labels.count + l][entailmentIndex] }.max()! }
            scores = Self.softmax(entailment)
        }
        let order = labels.indices.sorted { scores[$0] > scores[$1] }
        return Result(labels: order.map { labels[$0] }, scores: order.map { scores[$0] }, windows: windows.count)
    }

    /// How many premise windows `text` needs with these labels: the cost of classifying it is
    /// that many forward passes per label. Checks the labels and the template as `classify` does.
    public func windowCount(_ text: String, labels: [String], template: String = ZeroShotClassifier.defaultTemplate) throws -> Int {
        try pairs(text, labels: labels, template: template).windows.count
    }

    /// The premise's tokens, each label's hypothesis and the premise windows, after checking the input.
    private func pairs(_ text: String, labels: [String], template: String) throws -> (premise: Encoding, hypotheses: [Encoding], windows: [Range<Int>]) {
        guard !labels.isEmpty else { throw ClassifierError.emptyLabels }
        var seen = Set<String>()
        for label in labels {
            guard !label.trimmingCharacters(in: .whitespaces).isEmpty else { throw ClassifierError.emptyLabel }
            guard seen.insert(label).inserted else { throw ClassifierError.duplicateLabel(label) }
        }
        guard template.contains("{}") else { throw ClassifierError.templateWithoutPlaceholder(template) }
        let tokenizer = bundle.tokenizer
        let hypotheses = labels.map { tokenizer.encodeContent(template.replacingOccurrences(of: "{}", with: $0), sequence: 1) }
        let premise = tokenizer.encodeContent(text)
        let room = maxLength - tokenizer.specialTokenCount(pair: true) - (hypotheses.map(\.count).max() ?? 0)
        guard room >= 2 else { throw ClassifierError.hypothesisTooLong(maxLength: maxLength) }
        return (premise, hypotheses, try TokenWindows.ranges(count: premise.count, width: room))
    }

    /// Softmax in Double, max-subtracted.
    static func softmax(_ values: [Float]) -> [Float] {
        let m = values.max() ?? 0
        let e = values.map { exp(Double($0 - m)) }
        let sum = e.reduce(0, +)
        return e.map { Float($0 / sum) }
    }
}
