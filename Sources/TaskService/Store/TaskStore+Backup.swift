import Foundation
import GRDB

extension TaskStore {
    public struct Copy: Sendable, Equatable {
        public var path: String
        public var tasks: Int
        public var bytes: Int

        public init(path: String, tasks: Int, bytes: Int) {
            (self.path, self.tasks, self.bytes) = (path, tasks, bytes)
        }
    }

    /// A consistent copy of the database as it is now, in `file` (which must not exist), while
    /// other processes keep writing: SQLite's VACUUM INTO reads one snapshot and writes it
    /// compacted into a file beside `file`, which is renamed into place only when whole.
    /// The copy leaves out the vectors of the built-in example sets (`ResultCache.builtInSets`):
    /// they are 8 MB per model, most of a small database, and any machine computes them again
    /// from the model, or takes them from its own cache folder.
    @discardableResult
    public func backup(to file: URL) throws -> Copy {
        guard let pool = writer as? DatabasePool, let location else { throw StoreError.failed("an in-memory database has no file to back up") }
        let path = file.standardizedFileURL.path
        guard path != location.standardizedFileURL.path else { throw StoreError.failed("\(path) is the database itself; give another file") }
        guard !FileManager.default.fileExists(atPath: path) else { throw StoreError.failed("\(path) already exists; give a new file (nothing was overwritten)") }
        let folder = file.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StoreError.failed("the folder \(folder.path) does not exist")
        }
        let partial = folder.appendingPathComponent(".\(file.lastPathComponent).partial-\(UUID().uuidString)")
        defer { for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: partial.path + suffix) } }
        do {
            try pool.unsafeRead { db in try db.execute(sql: "VACUUM INTO ?", arguments: [partial.path]) }
            // The copy is complete by construction: it carries no writer that was at work here.
            let copy = try DatabaseQueue(path: partial.path)
            let (tasks, leftOut) = try copy.write { db -> (Int, Int) in
                try db.execute(sql: "DELETE FROM store_state WHERE key LIKE 'writer %'")
                return (try Int.fetchOne(db, sql: "SELECT count(*) FROM task WHERE status != 'deleted'") ?? 0,
                        try ResultCache.deleteBuiltInSets(db))
            }
            // Compacted again only when that was a large share of the copy: at 100,000 tasks the
            // sets are a few percent of it, and a second pass would double the backup's time.
            let size = (try FileManager.default.attributesOfItem(atPath: partial.path)[.size] as? Int) ?? 0
            if 4 * leftOut > size { try copy.vacuum() }
            try copy.close()
            try Self.sync(partial.path)
            try FileManager.default.moveItem(at: partial, to: file)
            try Self.sync(folder.path)
            let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            return Copy(path: path, tasks: tasks, bytes: bytes)
        } catch let error as DatabaseError {
            throw StoreError.failed("cannot write the backup \(path): \(error.message ?? "\(error.resultCode)")")
        } catch let error as CocoaError {
            throw StoreError.failed("cannot write the backup \(path): \(error.localizedDescription)")
        }
    }

    /// Replaces this database's tasks, queue, cache and history with those of `file` (a task
    /// database, e.g. from `backup`), through SQLite's backup API: in one step, with other
    /// processes open. The database as it was is first copied to `keep`, so a restore can be
    /// undone by restoring that. A `file` from an older version is migrated. The undo history
    /// starts empty.
    @discardableResult
    public func restore(from file: URL, keepingCurrentIn keep: URL) throws -> (restored: Copy, kept: Copy) {
        guard let location else { throw StoreError.failed("an in-memory database cannot be restored into") }
        let path = file.standardizedFileURL.path
        guard path != location.standardizedFileURL.path else { throw StoreError.failed("\(path) is the database itself") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw StoreError.failed("\(path) does not exist; nothing was changed") }
        if isDirectory.boolValue { throw StoreError.failed("\(path) is a folder, not a backup; nothing was changed") }
        var config = Configuration()
        config.readonly = true
        let source: DatabaseQueue
        do {
            source = try DatabaseQueue(path: path, configuration: config)
            let problem = try source.read { db -> String? in
                guard try db.tableExists("task"), try db.tableExists("grdb_migrations") else { return "it is not a Smart TODO database (no task table)" }
                let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
                return check == ["ok"] ? nil : "it is damaged (\(check.prefix(3).joined(separator: "; ")))"
            }
            if let problem { throw StoreError.failed("cannot restore from \(path): \(problem); nothing was changed") }
        } catch let error as DatabaseError {
            throw StoreError.failed("cannot restore from \(path): \(error.resultCode == .SQLITE_NOTADB ? "it is not a database" : error.message ?? "\(error.resultCode)"); nothing was changed")
        }
        let kept = try backup(to: keep)
        try markWriting()
        do {
            try source.backup(to: writer)
            try Migrations.migrator.migrate(writer)
            try writer.write { db in
                try db.execute(sql: "DELETE FROM store_state WHERE key LIKE 'writer %' AND key != ?", arguments: [MainFile.writerKey])
                // The backup's history is of commands from before it was taken: `todo undo` right
                // after a restore reverted one of those, not the restore (`kept` undoes that).
                try db.execute(sql: "DELETE FROM undo_entry")
            }
        } catch let error as DatabaseError {
            throw StoreError.failed("cannot restore from \(path): \(error.message ?? "\(error.resultCode)"); the database as it was is in \(kept.path)")
        }
        settle()
        let tasks = try liveTaskCount()
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return (Copy(path: path, tasks: tasks, bytes: bytes), kept)
    }

    /// fsync (or with `data`, fdatasync) of a file or folder: a finished write survives power
    /// loss, and so does a file's new name.
    public static func sync(_ path: String, data: Bool = false) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        if (data ? fdatasync(fd) : fsync(fd)) != 0 { throw StoreError.failed("cannot sync \(path) to disk: \(String(cString: strerror(errno)))") }
    }
}
