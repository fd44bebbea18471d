/// Dot products and unit vectors of plain `[Float]` vectors (embeddings, bank entries, topic
/// vectors): the one home of these two, for the engine and for everything that scores with
/// its outputs. (Matrices go through `Gemm`.)
public enum VectorMath {
    /// Σ aᵢbᵢ over the shorter of the two, accumulated in Float.
    public static func dot(_ a: [Float], _ b: [Float]) -> Float {
        var s: Float = 0
        for i in 0..<min(a.count, b.count) { s += a[i] * b[i] }
        return s
    }

    /// `v / max(‖v‖, 1e-12)`, as torch.nn.functional.normalize (the norm accumulated in Double):
    /// a zero vector stays zero.
    public static func normalized(_ v: [Float]) -> [Float] {
        let norm = max(v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot(), 1e-12)
        return v.map { Float(Double($0) / norm) }
    }
}
