import GRDB
import SQLiteTuning

/// A cached value open where it lies in the database, read piece by piece: the large entries
/// (the banks' vectors, ~8 MB; the user's filed examples, up to ~3 MB) are read straight into
/// the arrays that keep them, where fetching the value first copied it whole into fresh memory,
/// and that memory's page faults were milliseconds of every enriching command.
struct CachedBlob {
    /// The value's size in bytes.
    let length: Int
    private let handle: OpaquePointer

    /// `body` with the value under `key`, or nil when there is none.
    static func read<T>(_ db: Database, key: String, _ body: (CachedBlob) throws -> T?) throws -> T? {
        guard let row = try Row.fetchOne(db, sql: "SELECT rowid, length(value) FROM result_cache WHERE key = ?", arguments: [key]) else { return nil }
        let (rowid, length): (Int64, Int) = (row[0], row[1])
        guard length <= Int(Int32.max) else { return nil }
        var handle: OpaquePointer?
        let rc = smart_todo_blob_open_read(db.sqliteConnection, "result_cache", "value", rowid, &handle)
        guard rc == 0, let handle else { throw Self.failure(rc) }
        defer { smart_todo_blob_close(handle) }
        return try body(CachedBlob(length: length, handle: handle))
    }

    /// `buffer.count` bytes from `offset`.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws {
        guard buffer.count > 0 else { return }
        guard offset >= 0, offset + buffer.count <= length else { throw Self.failure(1) }
        let rc = smart_todo_blob_read(handle, buffer.baseAddress!, Int32(buffer.count), Int32(offset))
        if rc != 0 { throw Self.failure(rc) }
    }

    /// `count` float32s from `offset`, as stored (little-endian).
    func floats(_ count: Int, at offset: Int) throws -> [Float] {
        var failure: Error?
        let floats = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            do { try read(into: UnsafeMutableRawBufferPointer(buffer), at: offset) } catch { failure = error }
            initialized = count  // floats: any bytes are a value, and a failed read throws below
        }
        if let failure { throw failure }
        return floats
    }

    /// A little-endian integer of `T`'s width at `offset`.
    func integer<T: FixedWidthInteger>(_: T.Type, at offset: Int) throws -> T {
        var value = T.zero
        try withUnsafeMutableBytes(of: &value) { try read(into: $0, at: offset) }
        return T(littleEndian: value)
    }

    private static func failure(_ rc: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: rc), message: "cannot read a cached value")
    }
}
