import Foundation

/// A WordPiece model as built from a tokenizer.json — tokens by id and both tries —
/// stored beside it as `tokenizer.json.cache`, so that loading skips parsing the 30,000
/// vocabulary entries and building the tries, which would be most of the time a `todo`
/// command that embeds spends loading its tokenizer.
///
/// A cache belongs to one tokenizer.json: it records that file's size and a 64-bit hash of
/// its bytes and is ignored when either differs, when its format is not this one, or when
/// its arrays do not fit together (a damaged cache falls back to the JSON, never crashes).
/// Bundles get one from `convert-weights`; loading never writes files.
enum WordPieceCache {
    static let suffix = ".cache"
    private static let magic = Array("SMART-TODO WORDPIECE CACHE 1\n".utf8)

    struct Contents: Equatable {
        var tokens: TokenList
        var unknownId: Int
        var continuingSubwordPrefix: String
        var maxInputCharsPerWord: Int
        var wordStarts: ScalarTrie
        var continuations: ScalarTrie

        static func == (a: Contents, b: Contents) -> Bool {
            a.tokens == b.tokens && a.unknownId == b.unknownId && a.continuingSubwordPrefix == b.continuingSubwordPrefix
                && a.maxInputCharsPerWord == b.maxInputCharsPerWord
                && a.wordStarts.storage == b.wordStarts.storage && a.continuations.storage == b.continuations.storage
        }
    }

    static func url(for tokenizerJSON: URL) -> URL {
        tokenizerJSON.deletingLastPathComponent().appendingPathComponent(tokenizerJSON.lastPathComponent + suffix)
    }

    /// FNV-1a over 8-byte words (then the tail bytes): ~0.1 ms for a 500 KB tokenizer.json.
    static func hash(_ data: Data) -> UInt64 {
        data.withUnsafeBytes { raw in
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            let words = raw.count / 8
            for w in 0..<words {
                h = (h ^ raw.loadUnaligned(fromByteOffset: w * 8, as: UInt64.self)) &* 0x100_0000_01b3
            }
            for b in raw[(words * 8)...] { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            return h
        }
    }

    /// The serialized cache of `contents` for the tokenizer.json `source`.
    static func encode(_ c: Contents, source: Data) -> Data {
        var out = Writer()
        out.bytes(magic)
        out.int(source.count)
        out.word(hash(source))
        out.int(c.unknownId)
        out.int(c.maxInputCharsPerWord)
        out.string(c.continuingSubwordPrefix)
        out.int(c.tokens.count)
        var offsets: [UInt32] = [0]
        var blob: [UInt8] = []
        for t in c.tokens {
            blob += t.utf8
            offsets.append(UInt32(blob.count))
        }
        out.array(offsets)
        out.int(blob.count)
        out.bytes(blob)
        for trie in [c.wordStarts.storage, c.continuations.storage] {
            out.array(trie.asciiRoot)
            out.int(trie.terminal.count)
            out.array(trie.terminal)
            out.int(trie.edgeKeys.count)
            out.int(trie.edgeCount)
            out.array(trie.edgeKeys)
            out.array(trie.edgeValues)
        }
        return out.data
    }

    /// The cache file's model, or nil when there is none or it is not a sound cache of `source`.
    /// The file is mapped, not read: its arrays are copied once, straight into the tries
    /// and the token list.
    static func load(_ url: URL, source: Data) -> Contents? {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0, let base = mmap(nil, Int(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0),
              base != MAP_FAILED else { return nil }
        defer { munmap(base, Int(info.st_size)) }
        return decode(UnsafeRawBufferPointer(start: base, count: Int(info.st_size)), source: source)
    }

    static func decode(_ cache: Data, source: Data) -> Contents? {
        cache.withUnsafeBytes { decode($0, source: source) }
    }

    /// The cached model, or nil when `raw` is not a sound cache of `source`.
    static func decode(_ raw: UnsafeRawBufferPointer, source: Data) -> Contents? {
        var r = Reader(raw: raw)
        guard r.bytes(magic.count) == magic, r.int() == source.count, r.word() == hash(source),
              let unknownId = r.int(), let maxChars = r.int(), let prefix = r.string(),
              let count = r.int(), let offsets: [UInt32] = r.array(count + 1),
              let blobCount = r.int(), let blob = r.bytes(blobCount),
              unknownId >= 0, unknownId < count
        else { return nil }
        guard let tokens = TokenList(bytes: blob, offsets: offsets) else { return nil }
        var tries: [ScalarTrie] = []
        for _ in 0..<2 {
            guard let ascii: [Int32] = r.array(128), let nodes = r.int(), let terminal: [Int32] = r.array(nodes),
                  let size = r.int(), let edges = r.int(), let keys: [UInt64] = r.array(size), let values: [Int32] = r.array(size),
                  let trie = ScalarTrie(.init(asciiRoot: ascii, terminal: terminal, edgeKeys: keys, edgeValues: values, edgeCount: edges),
                                        tokenCount: count)
            else { return nil }
            tries.append(trie)
        }
        guard r.atEnd else { return nil }
        return Contents(tokens: tokens, unknownId: unknownId, continuingSubwordPrefix: prefix, maxInputCharsPerWord: maxChars,
                        wordStarts: tries[0], continuations: tries[1])
    }

    /// Little-endian fixed-width fields and raw arrays.
    private struct Writer {
        var data = Data()
        mutating func bytes(_ b: [UInt8]) { data.append(contentsOf: b) }
        mutating func word(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        mutating func int(_ v: Int) { word(UInt64(bitPattern: Int64(v))) }
        mutating func string(_ s: String) { int(s.utf8.count); bytes(Array(s.utf8)) }
        mutating func array<T: FixedWidthInteger>(_ a: [T]) { a.withUnsafeBytes { data.append(contentsOf: $0) } }
    }

    private struct Reader {
        let raw: UnsafeRawBufferPointer
        var at = 0
        var atEnd: Bool { at == raw.count }

        mutating func bytes(_ n: Int) -> [UInt8]? {
            guard n >= 0, n <= raw.count - at else { return nil }
            defer { at += n }
            return Array(raw[at..<(at + n)])
        }
        mutating func word() -> UInt64? {
            guard raw.count - at >= 8 else { return nil }
            defer { at += 8 }
            return UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self))
        }
        mutating func int() -> Int? {
            guard let w = word() else { return nil }
            let v = Int64(bitPattern: w)
            return v >= 0 && v < Int64(Int32.max) ? Int(v) : nil
        }
        mutating func string() -> String? {
            guard let n = int(), let b = bytes(n) else { return nil }
            return String(validating: b, as: UTF8.self)
        }
        mutating func array<T: FixedWidthInteger>(_ n: Int) -> [T]? {
            let size = n * MemoryLayout<T>.stride
            guard n >= 0, size <= raw.count - at else { return nil }
            defer { at += size }
            return [T](unsafeUninitializedCapacity: n) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[at..<(at + size)]))
                initialized = n
            }
        }
    }
}
