/// A restricted unpickler for `torch.save` state dicts. It interprets the few
/// opcodes and globals a dict of tensors uses — an OrderedDict of
/// `_rebuild_tensor_v2(storage, offset, size, stride, …)` over persistent storage
/// ids — and refuses any other global or opcode by name. Nothing is ever executed.
struct TorchPickle {
    /// A storage: the archive entry `data/<key>` of `dtype` elements.
    struct Storage: Equatable {
        var key: String
        var dtype: TensorDType
        var count: Int
    }

    /// A tensor as torch describes it: a strided view into a storage.
    struct Tensor: Equatable {
        var storage: Storage
        var offset: Int
        var shape: [Int]
        var stride: [Int]
    }

    indirect enum Value {
        case none, bool(Bool), int(Int), float(Double), string(String)
        case tuple([Value]), list([Value]), dict([(Value, Value)])
        case global(String), storage(Storage), tensor(Tensor), mark
    }

    static let storageTypes: [String: TensorDType] = [
        "torch FloatStorage": .f32, "torch HalfStorage": .f16, "torch BFloat16Storage": .bf16, "torch DoubleStorage": .f64,
        "torch LongStorage": .i64, "torch IntStorage": .i32, "torch ShortStorage": .i16, "torch CharStorage": .i8,
        "torch ByteStorage": .u8, "torch BoolStorage": .bool,
    ]
    static let callables: Set<String> = ["collections OrderedDict", "torch._utils _rebuild_tensor_v2", "torch._utils _rebuild_parameter"]

    let path: String

    /// The state dict: tensor name → tensor.
    func stateDict(_ bytes: [UInt8]) throws -> [String: Tensor] {
        guard case .dict(let items) = try load(bytes) else { throw TorchCheckpointError.notAStateDict(path: path, detail: "the pickle is not a dict") }
        var out: [String: Tensor] = [:]
        for (k, v) in items {
            guard case .string(let name) = k else { throw TorchCheckpointError.notAStateDict(path: path, detail: "a key is not a string") }
            guard case .tensor(let t) = v else { continue }  // non-tensor entries (e.g. metadata) are not weights
            out[name] = t
        }
        return out
    }

    func load(_ b: [UInt8]) throws -> Value {
        var stack: [Value] = [], memo: [Int: Value] = [:], i = 0
        func fail(_ what: String) -> TorchCheckpointError { .unsupportedPickle(path: path, detail: "\(what) at byte \(i)") }
        func need(_ n: Int) throws { guard i + n <= b.count else { throw TorchCheckpointError.unsupportedPickle(path: path, detail: "the pickle ends early (truncated)") } }
        func le(_ n: Int) throws -> Int { try need(n); var v = 0; for k in 0..<n { v |= Int(b[i + k]) << (8 * k) }; i += n; return v }
        func pop() throws -> Value { guard let v = stack.popLast() else { throw fail("stack underflow") }; return v }
        func popMark() throws -> [Value] {
            guard let m = stack.lastIndex(where: { if case .mark = $0 { return true }; return false }) else { throw fail("no mark") }
            let items = Array(stack[(m + 1)...])
            stack.removeSubrange(m...)
            return items
        }
        func line() throws -> String {
            guard let end = b[i...].firstIndex(of: 0x0A) else { throw fail("unterminated line") }
            defer { i = end + 1 }
            return String(decoding: b[i..<end], as: UTF8.self)
        }
        func string(_ n: Int) throws -> String {
            try need(n)
            defer { i += n }
            guard let s = String(validating: b[i..<(i + n)], as: UTF8.self) else { throw fail("string is not UTF-8") }
            return s
        }
        while i < b.count {
            let op = b[i]
            i += 1
            switch op {
            case 0x80: _ = try le(1)                                   // PROTO
            case 0x95: _ = try le(8)                                   // FRAME
            case UInt8(ascii: "c"):                                    // GLOBAL module\nname\n
                let name = try line() + " " + line()
                guard Self.callables.contains(name) || Self.storageTypes[name] != nil else {
                    throw TorchCheckpointError.unsupportedPickle(path: path, detail: "it refers to '\(name.replacingOccurrences(of: " ", with: "."))', which a checkpoint of tensors does not need; refusing (nothing was executed)")
                }
                stack.append(.global(name))
            case UInt8(ascii: "}"): stack.append(.dict([]))            // EMPTY_DICT
            case UInt8(ascii: "]"): stack.append(.list([]))            // EMPTY_LIST
            case UInt8(ascii: ")"): stack.append(.tuple([]))           // EMPTY_TUPLE
            case UInt8(ascii: "("): stack.append(.mark)                // MARK
            case UInt8(ascii: "t"): stack.append(.tuple(try popMark()))
            case 0x85: stack.append(.tuple([try pop()]))
            case 0x86: let b2 = try pop(), a = try pop(); stack.append(.tuple([a, b2]))
            case 0x87: let c = try pop(), b2 = try pop(), a = try pop(); stack.append(.tuple([a, b2, c]))
            case UInt8(ascii: "q"): guard let top = stack.last else { throw fail("memo of empty stack") }; memo[try le(1)] = top
            case UInt8(ascii: "r"): guard let top = stack.last else { throw fail("memo of empty stack") }; memo[try le(4)] = top
            case 0x94: guard let top = stack.last else { throw fail("memo of empty stack") }; memo[memo.count] = top
            case UInt8(ascii: "h"): let k = try le(1); guard let v = memo[k] else { throw fail("unknown memo \(k)") }; stack.append(v)
            case UInt8(ascii: "j"): let k = try le(4); guard let v = memo[k] else { throw fail("unknown memo \(k)") }; stack.append(v)
            case UInt8(ascii: "J"): stack.append(.int(Int(Int32(truncatingIfNeeded: try le(4)))))
            case UInt8(ascii: "K"): stack.append(.int(try le(1)))
            case UInt8(ascii: "M"): stack.append(.int(try le(2)))
            case 0x8A:                                                 // LONG1
                let n = try le(1)
                guard n <= 8 else { throw fail("integer wider than 64 bits") }
                try need(n)
                var v = 0
                for k in 0..<n { v |= Int(b[i + k]) << (8 * k) }
                if n > 0 && n < 8 && b[i + n - 1] & 0x80 != 0 { v -= 1 << (8 * n) }
                i += n
                stack.append(.int(v))
            case UInt8(ascii: "G"):                                    // BINFLOAT, big-endian
                try need(8)
                var bits: UInt64 = 0
                for k in 0..<8 { bits = bits << 8 | UInt64(b[i + k]) }
                i += 8
                stack.append(.float(Double(bitPattern: bits)))
            case UInt8(ascii: "X"): stack.append(.string(try string(try le(4))))
            case 0x8C: stack.append(.string(try string(try le(1))))
            case 0x88: stack.append(.bool(true))
            case 0x89: stack.append(.bool(false))
            case UInt8(ascii: "N"): stack.append(.none)
            case UInt8(ascii: "s"):                                    // SETITEM
                let v = try pop(), k = try pop()
                guard case .dict(var d) = try pop() else { throw fail("SETITEM on a non-dict") }
                d.append((k, v)); stack.append(.dict(d))
            case UInt8(ascii: "u"):                                    // SETITEMS
                let items = try popMark()
                guard case .dict(var d) = try pop(), items.count % 2 == 0 else { throw fail("SETITEMS on a non-dict") }
                for k in stride(from: 0, to: items.count, by: 2) { d.append((items[k], items[k + 1])) }
                stack.append(.dict(d))
            case UInt8(ascii: "a"):
                let v = try pop()
                guard case .list(var l) = try pop() else { throw fail("APPEND on a non-list") }
                l.append(v); stack.append(.list(l))
            case UInt8(ascii: "e"):
                let items = try popMark()
                guard case .list(var l) = try pop() else { throw fail("APPENDS on a non-list") }
                l += items; stack.append(.list(l))
            case UInt8(ascii: "Q"):                                    // BINPERSID: ('storage', type, key, location, numel)
                guard case .tuple(let pid) = try pop(), pid.count >= 5, case .string("storage") = pid[0], case .global(let type) = pid[1],
                      case .string(let key) = pid[2], case .int(let count) = pid[4], let dtype = Self.storageTypes[type] else {
                    throw fail("unknown persistent id")
                }
                stack.append(.storage(Storage(key: key, dtype: dtype, count: count)))
            case UInt8(ascii: "R"):                                    // REDUCE
                guard case .tuple(let args) = try pop(), case .global(let callable) = try pop() else { throw fail("REDUCE without a callable") }
                stack.append(try call(callable, args))
            case UInt8(ascii: "b"):                                    // BUILD: state on a dict or tensor, not needed
                _ = try pop()
            case UInt8(ascii: "."):                                    // STOP
                return try pop()
            default:
                throw fail("unsupported pickle opcode 0x\(String(op, radix: 16))")
            }
        }
        throw TorchCheckpointError.unsupportedPickle(path: path, detail: "the pickle has no STOP (truncated)")
    }

    private func call(_ callable: String, _ args: [Value]) throws -> Value {
        switch callable {
        case "collections OrderedDict":
            return .dict([])
        case "torch._utils _rebuild_tensor_v2":
            guard args.count >= 4, case .storage(let storage) = args[0], case .int(let offset) = args[1],
                  case .tuple(let size) = args[2], case .tuple(let stride) = args[3] else {
                throw TorchCheckpointError.unsupportedPickle(path: path, detail: "unexpected _rebuild_tensor_v2 arguments")
            }
            let shape = try size.map { v -> Int in guard case .int(let n) = v, n >= 0 else { throw TorchCheckpointError.unsupportedPickle(path: path, detail: "bad tensor size") }; return n }
            let strides = try stride.map { v -> Int in guard case .int(let n) = v, n >= 0 else { throw TorchCheckpointError.unsupportedPickle(path: path, detail: "bad tensor stride") }; return n }
            guard shape.count == strides.count else { throw TorchCheckpointError.unsupportedPickle(path: path, detail: "size and stride differ in rank") }
            return .tensor(Tensor(storage: storage, offset: offset, shape: shape, stride: strides))
        case "torch._utils _rebuild_parameter":
            guard let first = args.first, case .tensor = first else { throw TorchCheckpointError.unsupportedPickle(path: path, detail: "unexpected _rebuild_parameter arguments") }
            return first
        default:
            throw TorchCheckpointError.unsupportedPickle(path: path, detail: "'\(callable)' cannot be called")
        }
    }
}
