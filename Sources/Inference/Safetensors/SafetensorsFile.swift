import Foundation
import JSONReader

/// Element types a safetensors header may name, with their sizes in bytes.
public enum TensorDType: String, Sendable, CaseIterable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"

    public var byteSize: Int {
        switch self {
        case .f64, .i64: return 8
        case .f32, .i32: return 4
        case .f16, .bf16, .i16: return 2
        case .i8, .u8, .bool: return 1
        }
    }
}

/// One tensor's entry in a safetensors header.
public struct TensorEntry: Sendable, Equatable {
    public var name: String
    public var dtype: TensorDType
    public var shape: [Int]
    /// Byte range inside the data section (after the header).
    public var range: Range<Int>

    public var elementCount: Int { shape.reduce(1, *) }
}

/// A safetensors file mapped read-only into memory. The header is validated
/// completely before any tensor is handed out: lengths, JSON, dtypes, shape ×
/// dtype size against the byte range, ranges inside the data and not overlapping.
/// Float32 tensors are zero-copy views into the mapping.
public final class SafetensorsFile: @unchecked Sendable {
    public let path: String
    public let entries: [String: TensorEntry]
    public let metadata: [String: String]
    private let mapping: UnsafeMutableRawPointer?
    private let mappedSize: Int
    private let dataStart: Int

    /// Headers above this size are refused rather than parsed.
    static let maxHeaderLength: UInt64 = 100 << 20

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw SafetensorsError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SafetensorsError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        let size = Int(info.st_size)
        guard size >= 8 else { throw SafetensorsError.tooSmall(path: path, size: size) }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw SafetensorsError.cannotOpen(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        do {
            let parsed = try Self.parseHeader(UnsafeRawBufferPointer(start: base, count: size), path: path)
            self.entries = parsed.entries
            self.metadata = parsed.metadata
            self.dataStart = parsed.dataStart
        } catch {
            munmap(base, size)
            throw error
        }
        self.mapping = base
        self.mappedSize = size
    }

    /// Parses and validates a whole safetensors image held in `bytes` (also used by the fuzz test).
    static func parseHeader(_ bytes: UnsafeRawBufferPointer, path: String) throws -> (entries: [String: TensorEntry], metadata: [String: String], dataStart: Int) {
        guard bytes.count >= 8 else { throw SafetensorsError.tooSmall(path: path, size: bytes.count) }
        let headerLength = bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self).littleEndian
        guard headerLength >= 2, headerLength <= maxHeaderLength, headerLength <= UInt64(bytes.count - 8) else {
            throw SafetensorsError.headerLengthOutOfRange(path: path, length: headerLength, fileSize: bytes.count)
        }
        let dataStart = 8 + Int(headerLength)
        let dataSize = bytes.count - dataStart
        let header: [String: JSONValue]
        do {
            guard let object = try JSONParser.parse(Data(bytes[8..<dataStart])).object else {
                throw SafetensorsError.headerNotJSON(path: path, detail: "the top level is not an object")
            }
            header = object
        } catch let error as SafetensorsError {
            throw error
        } catch {
            throw SafetensorsError.headerNotJSON(path: path, detail: "\(error)")
        }
        var entries: [String: TensorEntry] = [:]
        var metadata: [String: String] = [:]
        // In name order, so the first problem reported is the same on every run.
        for (name, value) in header.sorted(by: { $0.key < $1.key }) {
            if name == "__metadata__" {
                for (k, v) in value.object ?? [:] { if let s = v.string { metadata[k] = s } }
                continue
            }
            entries[name] = try entry(name, value, dataSize: dataSize, path: path)
        }
        // Ranges must not overlap: sort by start and compare neighbours.
        let sorted = entries.values.filter { !$0.range.isEmpty }.sorted { $0.range.lowerBound < $1.range.lowerBound }
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.range.lowerBound < a.range.upperBound {
            throw SafetensorsError.overlappingTensors(path: path, tensor: b.name, other: a.name)
        }
        return (entries, metadata, dataStart)
    }

    private static func entry(_ name: String, _ value: JSONValue, dataSize: Int, path: String) throws -> TensorEntry {
        guard let object = value.object else { throw SafetensorsError.malformedEntry(path: path, tensor: name, reason: "not an object") }
        guard let dtypeName = object["dtype"]?.string else { throw SafetensorsError.malformedEntry(path: path, tensor: name, reason: "no dtype") }
        guard let dtype = TensorDType(rawValue: dtypeName) else { throw SafetensorsError.unsupportedDType(path: path, tensor: name, dtype: dtypeName) }
        guard let shapeValues = object["shape"]?.array else { throw SafetensorsError.malformedEntry(path: path, tensor: name, reason: "no shape") }
        var shape: [Int] = []
        for v in shapeValues {
            guard let n = v.int, n >= 0, n <= Int(Int32.max) else {
                throw SafetensorsError.malformedEntry(path: path, tensor: name, reason: "shape \(shapeValues) has an invalid dimension")
            }
            shape.append(n)
        }
        guard let offsets = object["data_offsets"]?.array, offsets.count == 2, let begin = offsets[0].int, let end = offsets[1].int,
              begin >= 0, end >= begin else {
            throw SafetensorsError.malformedEntry(path: path, tensor: name, reason: "data_offsets must be [begin, end] with 0 ≤ begin ≤ end")
        }
        guard end <= dataSize else { throw SafetensorsError.rangeOutsideData(path: path, tensor: name, end: end, dataSize: dataSize) }
        var expected = dtype.byteSize
        for d in shape {
            let (product, overflow) = expected.multipliedReportingOverflow(by: d)
            guard !overflow else { throw SafetensorsError.malformedEntry(path: path, tensor: name, reason: "shape \(shape) is too large") }
            expected = product
        }
        guard expected == end - begin else {
            throw SafetensorsError.byteCountMismatch(path: path, tensor: name, expected: expected, actual: end - begin)
        }
        return TensorEntry(name: name, dtype: dtype, shape: shape, range: begin..<end)
    }

    deinit {
        if let mapping { munmap(mapping, mappedSize) }
    }

    /// The raw bytes of `entry`, valid as long as this file is alive.
    public func bytes(of entry: TensorEntry) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: mapping!.advanced(by: dataStart + entry.range.lowerBound), count: entry.range.count)
    }

    /// A float32 tensor checked for presence, dtype and shape: a zero-copy view
    /// when its bytes are 4-byte aligned in the file, else an aligned copy.
    public func float32(_ name: String, shape expected: [Int]) throws -> FloatTensor {
        guard let entry = entries[name] else { throw SafetensorsError.missingTensor(path: path, tensor: name) }
        guard entry.dtype == .f32 else { throw SafetensorsError.wrongDType(path: path, tensor: name, expected: "F32", actual: entry.dtype.rawValue) }
        guard entry.shape == expected else { throw SafetensorsError.wrongShape(path: path, tensor: name, expected: expected, actual: entry.shape) }
        let raw = bytes(of: entry)
        if Int(bitPattern: raw.baseAddress) % MemoryLayout<Float>.alignment == 0 || raw.isEmpty {
            let pointer = raw.baseAddress.map { UnsafePointer($0.assumingMemoryBound(to: Float.self)) } ?? UnsafePointer(bitPattern: 4)!
            return FloatTensor(shape: expected, pointer: pointer, owner: self)
        }
        let copy = FloatBuffer(count: entry.elementCount)
        memcpy(copy.pointer, raw.baseAddress!, raw.count)
        return FloatTensor(shape: expected, pointer: UnsafePointer(copy.pointer), owner: copy)
    }
}

/// Owned, aligned float storage.
public final class FloatBuffer: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

    public init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { pointer.deallocate() }
}

/// A read-only float32 tensor: a pointer plus whatever keeps its memory alive.
public struct FloatTensor: @unchecked Sendable {
    public let shape: [Int]
    public let pointer: UnsafePointer<Float>
    let owner: AnyObject

    public var count: Int { shape.reduce(1, *) }
    public var values: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}
