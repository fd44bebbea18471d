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
        LayerNorm.normalize(&x, weight: weight.pointer, bias: bias.pointer, epsilon: epsilon)
    }

    /// In place, row by row; sums in Double so long rows stay exact to float precision.
    public static func normalize(_ x: inout Matrix, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, epsilon: Float) {
        let n = x.columns
        x.values.withUnsafeMutableBufferPointer { buffer in
            for r in 0..<x.rows {
                let row = buffer.baseAddress! + r * n
                var sum = 0.0
                for i in 0..<n { sum += Double(row[i]) }
                let mean = sum / Double(n)
                var squares = 0.0
                for i in 0..<n { let d = Double(row[i]) - mean; squares += d * d }
                let inv = 1 / (squares / Double(n) + Double(epsilon)).squareRoot()
                for i in 0..<n { row[i] = Float((Double(row[i]) - mean) * inv) * weight[i] + bias[i] }
            }
        }
    }
}
