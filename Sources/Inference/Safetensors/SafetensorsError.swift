import Foundation

/// Everything wrong a safetensors file or a model's use of it can be; each case
/// names the file and, where there is one, the tensor.
public enum SafetensorsError: Error, Equatable, LocalizedError {
    case cannotOpen(path: String, reason: String)
    case tooSmall(path: String, size: Int)
    case headerLengthOutOfRange(path: String, length: UInt64, fileSize: Int)
    case headerNotJSON(path: String, detail: String)
    case malformedEntry(path: String, tensor: String, reason: String)
    case unsupportedDType(path: String, tensor: String, dtype: String)
    case byteCountMismatch(path: String, tensor: String, expected: Int, actual: Int)
    case rangeOutsideData(path: String, tensor: String, end: Int, dataSize: Int)
    case overlappingTensors(path: String, tensor: String, other: String)
    case missingTensor(path: String, tensor: String)
    case wrongDType(path: String, tensor: String, expected: String, actual: String)
    case wrongShape(path: String, tensor: String, expected: [Int], actual: [Int])
    case unexpectedTensors(path: String, tensors: [String])

    public var errorDescription: String? {
        switch self {
        case .cannotOpen(let path, let reason): return "\(path): cannot open: \(reason)"
        case .tooSmall(let path, let size): return "\(path): \(size) bytes is too small for a safetensors file (truncated?)"
        case .headerLengthOutOfRange(let path, let length, let size):
            return "\(path): header length \(length) does not fit in the file (\(size) bytes): truncated or not safetensors"
        case .headerNotJSON(let path, let detail): return "\(path): the header is not a JSON object: \(detail)"
        case .malformedEntry(let path, let tensor, let reason): return "\(path): tensor '\(tensor)': \(reason)"
        case .unsupportedDType(let path, let tensor, let dtype): return "\(path): tensor '\(tensor)' has unsupported dtype \(dtype)"
        case .byteCountMismatch(let path, let tensor, let expected, let actual):
            return "\(path): tensor '\(tensor)': its shape and dtype need \(expected) bytes but its range holds \(actual)"
        case .rangeOutsideData(let path, let tensor, let end, let size):
            return "\(path): tensor '\(tensor)' ends at byte \(end) of a \(size)-byte data section (truncated file?)"
        case .overlappingTensors(let path, let tensor, let other): return "\(path): tensors '\(other)' and '\(tensor)' overlap"
        case .missingTensor(let path, let tensor): return "\(path): missing tensor '\(tensor)'"
        case .wrongDType(let path, let tensor, let expected, let actual): return "\(path): tensor '\(tensor)' is \(actual), expected \(expected)"
        case .wrongShape(let path, let tensor, let expected, let actual): return "\(path): tensor '\(tensor)' has shape \(actual), expected \(expected)"
        case .unexpectedTensors(let path, let tensors):
            return "\(path): \(tensors.count) tensor(s) the model does not use: \(tensors.prefix(5).joined(separator: ", "))\(tensors.count > 5 ? ", …" : "")"
        }
    }
}
