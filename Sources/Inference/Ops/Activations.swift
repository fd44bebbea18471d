import Foundation

/// Activation functions by their Hugging Face names (`hidden_act`). `gelu` is the
/// exact erf form; `gelu_new`/`gelu_pytorch_tanh` the tanh approximation: different functions.
public enum Activation: String, Sendable, Decodable {
    case gelu, relu, tanh
    case geluNew = "gelu_new"
    case geluPyTorchTanh = "gelu_pytorch_tanh"

    public func apply(_ x: inout Matrix) {
        x.values.withUnsafeMutableBufferPointer { v in
            switch self {
            case .gelu:
                for i in v.indices { v[i] = 0.5 * v[i] * (1 + erff(v[i] * 0.70710678118654752)) }
            case .geluNew, .geluPyTorchTanh:
                for i in v.indices {
                    let x = v[i]
                    v[i] = 0.5 * x * (1 + tanhf(0.7978845608028654 * (x + 0.044715 * x * x * x)))
                }
            case .relu:
                for i in v.indices where v[i] < 0 { v[i] = 0 }
            case .tanh:
                for i in v.indices { v[i] = tanhf(v[i]) }
            }
        }
    }
}

/// Softmax of each row of `count` values in place, max-subtracted so large
/// logits cannot overflow.
@inline(__always)
func softmaxRow(_ row: UnsafeMutablePointer<Float>, count: Int) {
    var maxValue = -Float.infinity
    for i in 0..<count { maxValue = max(maxValue, row[i]) }
    var sum: Float = 0
    for i in 0..<count { let e = expf(row[i] - maxValue); row[i] = e; sum += e }
    let inv = 1 / sum
    for i in 0..<count { row[i] *= inv }
}
