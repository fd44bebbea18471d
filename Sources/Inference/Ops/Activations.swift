import Foundation

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
                for i in 0..<n { p[i] = 0.5 * p[i] * (1 + Activation.erf(p[i] * 0.70710678118654752)) }
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

    /// erf for Float as a rational function on [-4, 4] (Eigen's `generic_fast_erf_float`,
    /// within a few ulp of libm's erff): branch-free, so the GELU loop vectorizes.
    @inline(__always)
    static func erf(_ value: Float) -> Float {
        let x = min(max(value, -4), 4)
        let x2 = x * x
        var p: Float = -2.72614225801306e-10
        p = p * x2 + 2.77068142495902e-08
        p = p * x2 - 2.10102402082508e-06
        p = p * x2 - 5.69250639462346e-05
        p = p * x2 - 7.34990630326855e-04
        p = p * x2 - 2.95459980854025e-03
        p = p * x2 - 1.60960333262415e-02
        p *= x
        var q: Float = -1.45660718464996e-05
        q = q * x2 - 2.13374055278905e-04
        q = q * x2 - 1.68282697438203e-03
        q = q * x2 - 7.37332916720468e-03
        q = q * x2 - 1.42647390514189e-02
        return p / q
    }
}

/// Softmax of a row of `count` values in place, max-subtracted so large
/// logits cannot overflow. Max, sum and scaling run 8 lanes wide (Swift does not
/// reassociate float reductions, so scalar loops would not vectorize).
@inline(__always)
func softmaxRow(_ row: UnsafeMutablePointer<Float>, count: Int) {
    let raw = UnsafeMutableRawPointer(row)
    let wide = count / 8 * 8
    var maxVector = SIMD8<Float>(repeating: -.infinity)
    var i = 0
    while i < wide {
        let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        maxVector.replace(with: v, where: v .> maxVector)
        i += 8
    }
    var maxValue = maxVector.max()
    while i < count { maxValue = max(maxValue, row[i]); i += 1 }
    var sumVector = SIMD8<Float>()
    let shift = SIMD8<Float>(repeating: maxValue)
    i = 0
    while i < wide {
        let e = exp8(raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) - shift)
        raw.storeBytes(of: e, toByteOffset: i * 4, as: SIMD8<Float>.self)
        sumVector += e
        i += 8
    }
    var sum = sumVector.sum()
    while i < count { row[i] = expf(row[i] - maxValue); sum += row[i]; i += 1 }
    let inv = SIMD8<Float>(repeating: 1 / sum)
    i = 0
    while i < wide {
        raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) * inv, toByteOffset: i * 4, as: SIMD8<Float>.self)
        i += 8
    }
    while i < count { row[i] *= inv[0]; i += 1 }
}

/// e^x for 8 lanes (Cephes' expf: range reduction by ln 2, degree-6 polynomial,
/// scale by 2^n through the exponent bits); within 2 ulp of expf, 0 below -87.
@inline(__always)
func exp8(_ value: SIMD8<Float>) -> SIMD8<Float> {
    // Clamped with masks: the generic `clamped`/`pointwiseMin` are not inlined, and cost a call per vector.
    var x = value
    x.replace(with: SIMD8(repeating: -87.33), where: x .< -87.33)
    x.replace(with: SIMD8(repeating: 88.37), where: x .> 88.37)
    // Round x·log2(e) to an integer by adding 1.5·2²³ (the add rounds); its low bits are then n.
    // (Swift's generic SIMD float→int conversion is not specialized and costs more than the exp.)
    let magic = SIMD8<Float>(repeating: 12582912)
    let t = x * 1.44269504088896341 + magic
    let n = t - magic
    let r = x - n * 0.693359375 + n * 2.12194440e-4
    var p = SIMD8<Float>(repeating: 1.9875691500e-4)
    p = p * r + 1.3981999507e-3
    p = p * r + 8.3334519073e-3
    p = p * r + 4.1665795894e-2
    p = p * r + 1.6666665459e-1
    p = p * r + 5.0000001201e-1
    p = p * r * r + r + 1
    let exponent = unsafeBitCast(t, to: SIMD8<UInt32>.self) &- unsafeBitCast(magic, to: SIMD8<UInt32>.self)
    let result = p * unsafeBitCast((exponent &+ 127) &<< 23, to: SIMD8<Float>.self)
    return result.replacing(with: 0, where: value .< -87.33)
}
