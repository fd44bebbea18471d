/// Layer normalization over the last dimension (PyTorch's `nn.LayerNorm`):
/// `(x - mean) / sqrt(var + eps) · γ + β`, with the biased variance.
public struct LayerNorm: Sendable {
    public let weight: FloatTensor  // γ [hidden]
    public let bias: FloatTensor    // β [hidden]
    public let epsilon: Float

    public init(_ scope: WeightScope, size: Int, epsilon: Float) throws {
        weight = try scope.tensor("weight", shape: [size])
        bias = try scope.tensor("bias", shape: [size])
        self.epsilon = epsilon
    }

    public func forward(_ x: inout Matrix) {
        LayerNorm.normalize(&x, residual: nil, weight: weight.pointer, bias: bias.pointer, epsilon: epsilon)
    }

    /// `LayerNorm(x + residual)`, the "add & norm" closing every BERT sublayer, in one pass over memory.
    public func forward(_ x: inout Matrix, adding residual: Matrix) {
        precondition(residual.rows == x.rows && residual.columns == x.columns, "residual shape differs")
        LayerNorm.normalize(&x, residual: residual, weight: weight.pointer, bias: bias.pointer, epsilon: epsilon)
    }

    /// Row by row, two passes (mean, then centred variance) in Float: vectorizable,
    /// and exact to float precision for hidden sizes in the thousands.
    static func normalize(_ x: inout Matrix, residual: Matrix?, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, epsilon: Float) {
        let n = x.columns
        x.values.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            func run(_ add: UnsafePointer<Float>?) {
                for r in 0..<x.rows {
                    let row = base + r * n
                    if let add {
                        let a = add + r * n
                        for i in 0..<n { row[i] += a[i] }
                    }
                    var sum: Float = 0
                    for i in 0..<n { sum += row[i] }
                    let mean = sum / Float(n)
                    var squares: Float = 0
                    for i in 0..<n { let d = row[i] - mean; squares += d * d }
                    let inv = 1 / (squares / Float(n) + epsilon).squareRoot()
                    for i in 0..<n { row[i] = (row[i] - mean) * inv * weight[i] + bias[i] }
                }
            }
            if let residual { residual.values.withUnsafeBufferPointer { run($0.baseAddress!) } } else { run(nil) }
        }
    }
}
