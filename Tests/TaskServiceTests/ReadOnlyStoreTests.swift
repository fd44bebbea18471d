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

    /// The real thing: file permissions, as a user they apply to (root ignores them; as root the
    /// binary runs as `nobody` through runuser).
    @Test func permissionsAsAnOrdinaryUser() throws {
        let runner = try UnprivilegedRunner.make()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ro-perm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder.path)
        let db = folder.appendingPathComponent("tasks.sqlite").path
        #expect(try runner.run(["add", "Renew the passport", "--async", "--db", db]).status == 0)
        for file in [db, db + "-wal", db + "-shm"] { try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: file) }
        let list = try runner.run(["list", "--db", db])
        #expect(list.status == 0 && list.out.contains("Renew the passport"), "\(list.err)")
        #expect(try runner.run(["export", "--db", db]).out.contains("Renew the passport"))
        let add = try runner.run(["add", "x", "--async", "--db", db])
        #expect(add.status == 1 && add.err.contains("the task database \(db) is read-only"), "\(add.err)")
        // A read-only folder where the database is still to be made: the folder is named.
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder.path)
        let fresh = try runner.run(["add", "x", "--async", "--db", folder.appendingPathComponent("new.sqlite").path])
        #expect(fresh.status == 1 && fresh.err.contains("the folder \(folder.path) is read-only"), "\(fresh.err)")
    }
}

/// Runs `todo` as a user file permissions apply to: this one, or `nobody` when this is root.
struct UnprivilegedRunner {
    var prefix: [String]
    var binary: String

    static func make() throws -> UnprivilegedRunner {
        guard getuid() == 0 else { return UnprivilegedRunner(prefix: [], binary: CommandLineTests.binary.path) }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") || FileManager.default.isExecutableFile(atPath: "/sbin/runuser") else {
            throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "running as root without runuser: cannot test file permissions"])
        }
        // The build folder may sit in a folder `nobody` cannot enter (a CI clone in a private temp folder).
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("todo-unprivileged-\(getpid())")
        let copy = folder.appendingPathComponent("todo")
        if !FileManager.default.fileExists(atPath: copy.path) {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: CommandLineTests.binary, to: copy)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
        }
        return UnprivilegedRunner(prefix: ["runuser", "-u", "nobody", "--"], binary: copy.path)
    }

    func run(_ args: [String]) throws -> CommandLineTests.Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: prefix.isEmpty ? binary : "/usr/sbin/runuser")
        p.arguments = prefix.isEmpty ? args : Array(prefix.dropFirst()) + [binary] + args
        p.environment = ["PATH": "/usr/bin:/bin", "HOME": "/tmp"]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return CommandLineTests.Run(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }
}
