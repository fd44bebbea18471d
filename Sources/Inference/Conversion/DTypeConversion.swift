/// Float formats of checkpoints, widened to float32 exactly (every f16/bf16
/// value is representable in f32; f64 rounds to nearest).
enum DTypeConversion {
    static func float32(_ bytes: UnsafeRawBufferPointer, dtype: TensorDType, tensor: String, path: String) throws -> [Float] {
        switch dtype {
        case .f32:
            return (0..<(bytes.count / 4)).map { bytes.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
        case .f64:
            return (0..<(bytes.count / 8)).map { Float(bytes.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self)) }
        case .f16:
            return (0..<(bytes.count / 2)).map { halfToFloat(bytes.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) }
        case .bf16:
            return (0..<(bytes.count / 2)).map { Float(bitPattern: UInt32(bytes.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) << 16) }
        default:
            throw SafetensorsError.wrongDType(path: path, tensor: tensor, expected: "a float type", actual: dtype.rawValue)
        }
    }

    /// IEEE 754 binary16 → binary32, subnormals, infinities and NaN included.
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int(h >> 10) & 0x1F
        let mantissa = UInt32(h & 0x03FF)
        if exponent == 0 {
            if mantissa == 0 { return Float(bitPattern: sign) }
            let value = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -value : value
        }
        if exponent == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
    }
}
