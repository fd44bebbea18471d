/// First pipeline stage: rewrites text before it is split into words, keeping
/// every unit aligned to the original (Hugging Face `normalizers`).
protocol Normalizer: Sendable {
    func normalize(_ text: NormalizedText) -> NormalizedText
}
