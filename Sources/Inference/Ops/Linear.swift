/// A dense layer with Hugging Face's `[out, in]` weight: `y = x · Wᵀ + b`.
public struct Linear: Sendable {
    public let weight: FloatTensor  // [out, in]
    public let bias: FloatTensor?   // [out]

    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }

    public init(_ scope: WeightScope, in inFeatures: Int, out outFeatures: Int, bias: Bool = true) throws {
        weight = try scope.tensor("weight", shape: [outFeatures, inFeatures])
        self.bias = bias ? try scope.tensor("bias", shape: [outFeatures]) : nil
    }

    /// `x`: `[tokens, in]` → `[tokens, out]`, one GEMM over all tokens; each thread writes
    /// the bias into its block first and accumulates into it (beta = 1).
    public func forward(_ x: Matrix) -> Matrix {
        precondition(x.columns == inFeatures, "Linear expects \(inFeatures) columns, got \(x.columns)")
        var y = Matrix.uninitialized(rows: x.rows, columns: outFeatures)  // bias or the product overwrites it
        y.values.withUnsafeMutableBufferPointer { out in
            x.values.withUnsafeBufferPointer { input in
                Gemm.parallelMultiplyTransposed(input.baseAddress!, weight.pointer, into: out.baseAddress!,
                                                m: x.rows, n: outFeatures, k: inFeatures, bias: bias?.pointer)
            }
        }
        return y
    }
}
