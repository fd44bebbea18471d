import Foundation
import Kernels

/// Activation functions by their Hugging Face names (`hidden_act`). `gelu` is the
/// exact erf form; `gelu_new`/`gelu_pytorch_tanh` the tanh approximation: different functions.
public enum Activation: String, Sendable, Codable {
    case gelu, relu, tanh
    case geluNew = "gelu_new"
    case geluPyTorchTanh = "gelu_pytorch_tanh"

    public func apply(_ x: inout Matrix) {
        x.values.withUnsafeMutableBufferPointer { v in
            let p = v.baseAddress!, n = v.count
            switch self {
            case .gelu:
                Activation.geluErf(p, count: n)
            case .geluNew, .geluPyTorchTanh:
                for i in 0..<n {
                    let x = p[i]
                    p[i] = 0.5 * x * (1 + tanhf(0.7978845608028654 * (x + 0.044715 * x * x * x)))
                }
            case .relu:
                for i in 0..<n { p[i] = max(p[i], 0) }
            case .tanh:
                for i in 0..<n { p[i] = tanhf(p[i]) }
            }
        }
    }

    /// The erf GELU (C kernel: erf as Eigen's rational function on [-4, 4], within a few
    /// ulp of erff), split over the engine's threads for an FFN's worth of values.
    /// - Parameter lanes: threads to use at most; default the engine's setting.
    static func geluErf(_ p: UnsafeMutablePointer<Float>, count n: Int, lanes: Int? = nil) {
        let lanes = EngineThreads.lanes(forElements: n, at: lanes)
        guard lanes > 1 else { return smart_todo_gelu_erf(p, n) }
        let chunk = (n / lanes + 7) / 8 * 8
        let values = SendablePointer(p)
        EngineThreads.parallel(lanes, lanes: lanes) { lane in
            let start = lane * chunk
            if start < n { smart_todo_gelu_erf(values.pointer + start, min(chunk, n - start)) }
        }
    }
}

/// Softmax of a row of `count` values in place, max-subtracted so large logits cannot
/// overflow (C kernel: Cephes' expf 8 lanes wide, within 2 ulp of expf).
@inline(__always)
func softmaxRow(_ row: UnsafeMutablePointer<Float>, count: Int) {
    smart_todo_softmax_row(row, Int32(count))
}
