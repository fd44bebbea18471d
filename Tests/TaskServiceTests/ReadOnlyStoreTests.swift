import Foundation
import GRDB
import Testing
@testable import TaskService

/// A database this user may read but not write: reading commands and search work, writes are
/// refused by name, and a read-only folder or a path that is no file is named as such.
@Suite struct ReadOnlyStoreTests {
    static func scratch() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("ro-\(UUID().uuidString)/tasks.sqlite")
    }

    @Test func errorsNameTheFileOrTheFolder() {
        let path = "/data/tasks.sqlite"
        var files = StoreError.FileAccess(exists: { _ in true }, isWritable: { $0 != path })
        #expect(StoreError.from(DatabaseError(resultCode: .SQLITE_CANTOPEN), path: path, files: files) == .readOnly(path: path))
        #expect(StoreError.from(DatabaseError(resultCode: .SQLITE_READONLY), path: path, files: files) == .readOnly(path: path))
        // The folder may not be written and the log files are not there yet: the folder is the problem.
        files = StoreError.FileAccess(exists: { !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }, isWritable: { $0 != "/data" })
        #expect(StoreError.from(DatabaseError(resultCode: .SQLITE_CANTOPEN), path: path, files: files) == .readOnlyFolder(folder: "/data", database: path))
        #expect(StoreError.from(DatabaseError(resultCode: .SQLITE_READONLY), path: path, files: files) == .readOnlyFolder(folder: "/data", database: path))
        #expect(StoreError.readOnlyFolder(folder: "/data", database: path).description.hasPrefix("the folder /data is read-only, and SQLite keeps tasks.sqlite-wal"))
        // With the log files in place, a read-only folder is no problem for a writable file.
        files = StoreError.FileAccess(exists: { _ in true }, isWritable: { $0 != "/data" })
        #expect(StoreError.from(DatabaseError(resultCode: .SQLITE_IOERR), path: path, files: files) == .cannotOpen(path: path, reason: "disk I/O error"))
        // Another writer's lock outlasted the wait: busy, whatever the files allow.
        #expect(StoreError.from(DatabaseError(resultCode: .SQLITE_BUSY), path: path, files: files) == .busy(path: path))
        #expect(StoreError.from(DatabaseError(resultCode: .SQLITE_LOCKED), path: path, files: files) == .busy(path: path))
    }

    @Test func foldersAndDevicesAreNotDatabases() throws {
        let folder = FileManager.default.temporaryDirectory.path
        #expect(throws: StoreError.notAFile(path: folder, what: "a folder; give a file in it, e.g. \(folder)/tasks.sqlite")) {
            try TaskStore(url: URL(fileURLWithPath: folder))
        }
        #expect(throws: StoreError.notAFile(path: "/dev/null", what: "not a regular file (a device, pipe or socket)")) {
            try TaskStore(url: URL(fileURLWithPath: "/dev/null"))
        }
        #expect(!FileManager.default.fileExists(atPath: "/dev/null-journal") && !FileManager.default.fileExists(atPath: "/dev/null-wal"))
    }

    @Test func aReadOnlyDatabaseReadsSearchesAndRefusesWrites() throws {
        let url = Self.scratch()
        let writable = try TaskStore(url: url)
        let embedder = try TaskSearchTests.embedder.get()
        for title in ["Renew the passport", "Buy oat milk", "Book the dentist"] { _ = try writable.add(TodoTask(title: title)) }
        try TaskEmbeddings(store: writable, embedder: embedder).refresh()
        _ = try writable.add(TodoTask(title: "Pay the passport fee"))  // no vectors yet
        let cacheEntries = try ResultCache(store: writable).statistics().entries

        let store = try TaskStore(url: url, readOnly: true)
        #expect(store.isReadOnly && !writable.isReadOnly)
        #expect(try store.tasks().count == 4)
        let hits = try TaskSearch(embeddings: TaskEmbeddings(store: store, embedder: embedder)).search("travel documents", limit: 2)
        #expect(hits.first?.task.title == "Renew the passport")
        #expect(!hits.contains { $0.task.title == "Pay the passport fee" })  // not indexed, and cannot be here
        #expect(try ResultCache(store: writable).statistics().entries == cacheEntries, "a read-only search stores nothing")
        #expect(throws: StoreError.readOnly(path: url.path)) { try store.add(TodoTask(title: "x")) }
    }
}
