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

    /// Row by row, two passes (mean, then centred variance), then the output in Float.
    /// Rows are split over the engine's threads when there are many (a long text's hidden states).
    static func normalize(_ x: inout Matrix, residual: Matrix?, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                          epsilon: Float, lanes: Int? = nil) {
        let n = x.columns, rows = x.rows
        let lanes = EngineThreads.lanes(forElements: rows * n, at: lanes)
        x.values.withUnsafeMutableBufferPointer { buffer in
            let base = SendablePointer(buffer.baseAddress!)
            let gamma = SendableConstant(weight), beta = SendableConstant(bias)
            @Sendable func run(_ add: SendableConstant?, _ range: Range<Int>) {
                let base = base.pointer, weight = gamma.pointer, bias = beta.pointer
                for r in range {
                    let row = base + r * n
                    if let add {
                        let a = add.pointer + r * n
                        for i in 0..<n { row[i] += a[i] }
                    }
                    // Statistics in Double, four lanes wide: large activations keep their
                    // precision (BART with scaled embeddings needs it for 1e-4 logits).
                    var sum4 = SIMD4<Double>(), i = 0
                    while i + 4 <= n { sum4 += SIMD4<Double>(SIMD4<Float>(row[i], row[i + 1], row[i + 2], row[i + 3])); i += 4 }
                    var sum = sum4.sum()
                    while i < n { sum += Double(row[i]); i += 1 }
                    let mean = sum / Double(n)
                    var squares4 = SIMD4<Double>()
                    i = 0
                    while i + 4 <= n {
                        let d = SIMD4<Double>(SIMD4<Float>(row[i], row[i + 1], row[i + 2], row[i + 3])) - mean
                        squares4 += d * d
                        i += 4
                    }
                    var squares = squares4.sum()
                    while i < n { let d = Double(row[i]) - mean; squares += d * d; i += 1 }
                    let inv = Float(1 / (squares / Double(n) + Double(epsilon)).squareRoot())
                    let m = Float(mean)
                    for j in 0..<n { row[j] = (row[j] - m) * inv * weight[j] + bias[j] }
                }
            }
            func split(_ add: SendableConstant?) {
                guard lanes > 1 else { return run(add, 0..<rows) }
                let chunk = (rows + lanes - 1) / lanes
                EngineThreads.parallel(lanes, lanes: lanes) { lane in run(add, lane * chunk..<min(rows, (lane + 1) * chunk)) }
            }
            if let residual { residual.values.withUnsafeBufferPointer { split(SendableConstant($0.baseAddress!)) } } else { split(nil) }
        }
    }
}
