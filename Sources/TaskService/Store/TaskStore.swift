import Foundation
import GRDB
import SQLiteTuning
import Synchronization

/// The task database: SQLite in WAL mode through a GRDB pool, so many `todo`
/// processes can read and write at once; writes are serialized by SQLite and
/// each is one transaction, so a task is stored whole or not at all.
public final class TaskStore: Sendable {
    public let location: URL?
    let writer: any DatabaseWriter
    /// The file (or its folder) may not be written: reading commands work, writes are refused
    /// with `StoreError.readOnly`, and caches are not filled.
    public let isReadOnly: Bool
    /// What this process has written since the main file last held it all (`MainFile`).
    let mainFile = Mutex(MainFile.State())
    /// Said once when the store opens: a database copied without its write-ahead log, say.
    public let warnings: [String]

    /// Opens (creating if needed) the database at `url` and migrates it. `readOnly` opens it
    /// for reading only, as SQLite does by itself with a file this user may not write.
    /// `mapped: false` reads pages with pread instead of a memory map: a long-running process
    /// that holds the search vectors itself (`ResidentVectors`) would otherwise keep the pages
    /// it read them from as well, 150 MB more resident memory at 100,000 tasks.
    public init(url: URL, readOnly: Bool = false, mapped: Bool = true) throws {
        location = url
        try Self.checkIsFile(url)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw StoreError.cannotOpen(path: url.path, reason: "cannot create its folder: \(error.localizedDescription)")
        }
        var config = Configuration()
        config.busyMode = .timeout(Self.busyTimeout)  // other processes writing: wait rather than fail
        config.readonly = readOnly
        let logMissing = MainFile.logIsMissing(url)
        config.prepareDatabase { db in
            // Every `todo` is a short process: closing the last connection would checkpoint and
            // delete the WAL (a database write and two fsyncs), and the next open would recreate
            // it (another write and sync), on every command, even `list`. So the WAL stays; the
            // store checkpoints it when released after writing (`settle`), so the main file
            // alone holds every finished command.
            let rc = smart_todo_keep_wal_on_close(db.sqliteConnection)
            if rc != 0 { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: "cannot keep the write-ahead log") }
            Self.addFunctions(db)
            // Pages read through a memory map, not a pread each: a search reads ~150 MB of
            // index blocks at 100,000 tasks, ~37,000 pages.
            try db.execute(sql: "PRAGMA mmap_size = \(mapped ? Self.mappedBytes : 0)")
        }
        let pool: DatabasePool, migrated: Bool
        do {
            (pool, migrated) = try Self.openPool(url.path, config)
            writer = pool
            isReadOnly = pool.writeWithoutTransaction { smart_todo_is_read_only($0.sqliteConnection) != 0 }
            warnings = logMissing ? try MainFile.missingLogWarning(pool, url: url) : []
        } catch let error as DatabaseError {
            throw StoreError.from(error, path: url.path)
        }
        if migrated { mainFile.withLock { $0.written = true } }
    }

    /// A database is a regular file (or a path to create one): a folder, a device such as
    /// /dev/null or a pipe would fail deep inside SQLite ("disk I/O error") and leave a
    /// journal file beside it.
    static func checkIsFile(_ url: URL) throws {
        let path = url.resolvingSymlinksInPath().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        if isDirectory.boolValue { throw StoreError.notAFile(path: url.path, what: "a folder; give a file in it, e.g. \(url.appendingPathComponent(DatabaseLocation.fileName).path)") }
        let type = (try? FileManager.default.attributesOfItem(atPath: path)[.type]) as? FileAttributeType
        if type != .typeRegular { throw StoreError.notAFile(path: url.path, what: "not a regular file (a device, pipe or socket)") }
    }

    deinit { settle() }

    /// Opens the pool and migrates if needed (checking is a read; only a database that needs a
    /// migration takes the write lock); whether it migrated.
    ///
    /// Also when other processes open the same new database at the same moment: GRDB decides
    /// what to apply before it takes the write lock and runs each migration in its own
    /// transaction, so two first `todo` commands both set out to create the tables and the
    /// second failed ("table task already exists") once the first had committed, or, for a
    /// migration that can run twice (v13's UPDATE), on recording it ("UNIQUE constraint failed:
    /// grdb_migrations.identifier"); and while
    /// one switches a new file to WAL, another's open can get SQLITE_BUSY at once, without
    /// waiting. Both leave nothing half done (a migration rolls back whole): looking again,
    /// a moment later, finds only what is left to do.
    static func openPool(_ path: String, _ config: Configuration, attempts: Int = 10) throws -> (DatabasePool, migrated: Bool) {
        var attempt = 1
        while true {
            do {
                let pool = try DatabasePool(path: path, configuration: config)
                let migrator = Migrations.migrator
                let (complete, applied) = try pool.read { db in (try migrator.hasCompletedMigrations(db), try migrator.appliedIdentifiers(db)) }
                // A newer `todo` changed the layout in ways this one cannot know: refused whole,
                // rather than failing on some command with "no such column" (as PostgreSQL's store does).
                if let unknown = applied.subtracting(migrator.migrations).sorted().first {
                    throw StoreError.cannotOpen(path: path, reason: "it was migrated by a newer Smart TODO (migration '\(unknown)'): use that version")
                }
                if complete { return (pool, false) }
                try migrator.migrate(pool)
                return (pool, true)
            } catch let error as DatabaseError where attempt < attempts && [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_ERROR, .SQLITE_CONSTRAINT].contains(error.resultCode) {
                usleep(UInt32(10_000 * attempt))
                attempt += 1
            }
        }
    }

    /// How long a command waits for another process's write before it fails, in seconds.
    static let busyTimeout: TimeInterval = 10

    /// How much of the database file SQLite reads through a memory map.
    static let mappedBytes = 1 << 30

    /// SQL functions our queries use (never the schema: other programs must be able to write).
    static func addFunctions(_ db: Database) {
        // Unicode lowercase; SQLite's lower() and NOCASE know ASCII only.
        db.add(function: DatabaseFunction("smart_todo_lower", argumentCount: 1, pure: true) { values in
            String.fromDatabaseValue(values[0])?.lowercased()
        })
    }

    /// An in-memory store, for tests.
    public init() throws {
        location = nil
        isReadOnly = false
        warnings = []
        var config = Configuration()
        config.prepareDatabase { Self.addFunctions($0) }
        writer = try DatabaseQueue(configuration: config)
        try Migrations.migrator.migrate(writer)
    }

    /// Stores a new task; with `enqueue`, its enrichment job is written in the same transaction,
    /// so the task never exists without its job. `undo` names the command for `todo undo`.
    @discardableResult
    public func add(_ task: TodoTask, enqueue: Bool = false, undo: UndoStep? = nil, now: Date = Date()) throws -> TodoTask {
        try Self.check(task, now: now)
        return try write { db in
            var t = task
            try t.insert(db)
            if enqueue { try EnrichmentQueue.enqueue(db, taskID: t.id!, now: now) }
            if let undo { try UndoLog.record(db, step: undo, snapshots: [.init(id: t.id!, before: nil)], now: now) }
            return t
        }
    }

    public func task(id: Int64) throws -> TodoTask {
        try Self.live(try writer.read { try TodoTask.fetchOne($0, key: id) }, id: id)
    }

    /// Stores a changed task. With `reenrich`, a job recomputes its AI fields (text changed);
    /// `undo` names the command for `todo undo`.
    public func update(_ task: TodoTask, reenrich: Bool = false, undo: UndoStep? = nil, now: Date = Date()) throws -> TodoTask {
        try Self.check(task, now: now)
        return try write { db in
            var t = task
            guard let before = try TodoTask.fetchOne(db, key: t.id) else { throw StoreError.unknownTask(id: t.id ?? 0) }
            if !reenrich && t.changesNothing(of: before) { return before }
            try Self.save(&t, db, now: now)
            if reenrich { try EnrichmentQueue.enqueue(db, taskID: t.id!, now: now) }
            if let undo { try UndoLog.record(db, step: undo, snapshots: [.init(id: t.id!, before: before)], now: now) }
            return t
        }
    }

    /// Reads a live task and stores what `change` makes of it in one transaction, so no write of
    /// this process or another comes between (a compare-and-set such as If-Match throws from
    /// `change`). With `reenrich`, a job recomputes its AI fields; `undo` names the step for `todo undo`.
    public func edit(id: Int64, undo: UndoStep? = nil, now: Date = Date(), _ change: @escaping @Sendable (TodoTask) throws -> TaskEdit) throws -> TaskEdit {
        try write { db in
            let current = try Self.live(try TodoTask.fetchOne(db, key: id), id: id)
            var edit = try change(current)
            edit.task.id = id
            if !edit.reenrich && edit.task.changesNothing(of: current) { return TaskEdit.unchanged(current) }
            try Self.check(edit.task, now: now)
            try Self.save(&edit.task, db, now: now)
            if edit.reenrich { try EnrichmentQueue.enqueue(db, taskID: id, now: now) }
            if let undo { try UndoLog.record(db, step: undo, snapshots: [.init(id: id, before: current)], now: now) }
            return edit
        }
    }

    /// A task already done stays as it was: its completion time is when it was first done.
    /// `precondition` is checked on each task as stored, in the transaction (If-Match).
    public func markDone(ids: [Int64], undo: UndoStep? = nil, now: Date = Date(), precondition: TaskPrecondition? = nil) throws -> [TodoTask] {
        try change(ids: ids, undo: undo, now: now, precondition: precondition) { t in
            guard t.status != .done else { return false }
            t.status = .done
            t.completed = now
            return true
        }
    }

    /// A done task becomes pending again (its completion time cleared); any other is returned as it is.
    public func reopen(ids: [Int64], undo: UndoStep? = nil, now: Date = Date(), precondition: TaskPrecondition? = nil) throws -> [TodoTask] {
        try change(ids: ids, undo: undo, now: now, precondition: precondition) { t in
            guard t.status == .done else { return false }
            t.status = .pending
            t.completed = nil
            return true
        }
    }

    /// Soft delete: the row stays (ids never shift), hidden from every listing. Its pending
    /// enrichment job goes with it (an undo queues it again, `UndoLog.toEnrich`).
    public func delete(ids: [Int64], undo: UndoStep? = nil, now: Date = Date(), precondition: TaskPrecondition? = nil) throws -> [TodoTask] {
        try change(ids: ids, undo: undo, now: now, precondition: precondition, afterward: EnrichmentQueue.dropPending) { t in
            t.status = .deleted
            return true
        }
    }

    /// The task, unless there is none or it is deleted: which of the two the error says, since
    /// a deleted task's id is never reused and `todo undo` may bring it back.
    private static func live(_ task: TodoTask?, id: Int64) throws -> TodoTask {
        guard let task else { throw StoreError.unknownTask(id: id) }
        guard task.status != .deleted else { throw StoreError.deletedTask(id: id) }
        return task
    }

    /// Applies `body` to each task (ids repeated count once) in one transaction: all or none, so
    /// an unknown id changes nothing; one undo entry covers every task `body` changed, and
    /// `afterward` is given their ids in the same transaction.
    private func change(ids: [Int64], undo: UndoStep?, now: Date, precondition: TaskPrecondition?,
                        afterward: (@Sendable (Database, [Int64]) throws -> Void)? = nil,
                        _ body: @escaping @Sendable (inout TodoTask) -> Bool) throws -> [TodoTask] {
        var seen = Set<Int64>()
        let ids = ids.filter { seen.insert($0).inserted }
        return try write { db in
            var out: [TodoTask] = []
            var snapshots: [UndoLog.Snapshot] = []
            for id in ids {
                let before = try Self.live(try TodoTask.fetchOne(db, key: id), id: id)
                try precondition?(before)
                var t = before
                if body(&t) {
                    try Self.save(&t, db, now: now)
                    snapshots.append(.init(id: id, before: before))
                }
                out.append(t)
            }
            if let undo, !snapshots.isEmpty { try UndoLog.record(db, step: undo, snapshots: snapshots, now: now) }
            try afterward?(db, snapshots.map(\.id))
            return out
        }
    }

    /// Refuses a task that breaks one of `TaskRules`, naming the field.
    static func check(_ task: TodoTask, now: Date) throws {
        if let problem = TaskRules.problem(with: task, now: now) { throw StoreError.invalid(problem.description) }
    }

    /// Writes a changed row at the store's time precision, stamped as updated now.
    private static func save(_ t: inout TodoTask, _ db: Database, now: Date) throws {
        t.updated = now.storedPrecision
        t.due = t.due?.storedPrecision
        t.completed = t.completed?.storedPrecision
        try t.update(db)
    }

    public func count() throws -> Int { try writer.read { try TodoTask.fetchCount($0) } }

    /// Tasks not deleted, from the counts the database keeps (`BoundedSchema`): no scan.
    public func liveTaskCount() throws -> Int {
        try writer.read { try Int.fetchOne($0, sql: "SELECT ifnull(sum(n), 0) FROM task_summary WHERE status != 'deleted'") ?? 0 }
    }

    func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T {
        if isReadOnly { throw StoreError.readOnly(path: location?.path ?? ":memory:") }
        do {
            try markWriting()
            return try writer.write(body)
        } catch let error as DatabaseError {
            throw StoreError.from(error, path: location?.path ?? ":memory:")
        }
    }
}

public enum StoreError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case readOnly(path: String)
    /// The folder may not be written, and SQLite must create the write-ahead log and its index there.
    case readOnlyFolder(folder: String, database: String)
    case notAFile(path: String, what: String)
    case corrupt(path: String)
    /// Another process held the write lock for all of `TaskStore.busyTimeout`: nothing was
    /// changed, and the same command may succeed when tried again.
    case busy(path: String)
    case unknownTask(id: Int64)
    /// A task of this file that was deleted (the service answers it as unknown: 404).
    case deletedTask(id: Int64)
    case invalid(String)
    /// An operation on the whole database (backup, restore) that could not be done, said whole.
    case failed(String)
    /// An `IdempotencyKey` sent again with another task than the first time: not a retry.
    case idempotencyKeyReused(String)
    /// An undo that would lose a change made to these tasks after `command` (undo's `force` reverts them anyway).
    case changedSince(command: String, tasks: [Int64])

    /// What the file system says, for `from` (tests give their own: root may write anything).
    struct FileAccess {
        var exists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
        var isWritable: (String) -> Bool = { FileManager.default.isWritableFile(atPath: $0) }
    }

    static func from(_ error: DatabaseError, path: String, files: FileAccess = FileAccess()) -> StoreError {
        let folder = (path as NSString).deletingLastPathComponent
        // SQLite creates NAME-wal and NAME-shm beside the database: a folder it may not write fails first.
        let needsFolder = !files.exists(path + "-wal") || !files.exists(path + "-shm") || !files.exists(path)
        let folderReadOnly = needsFolder && files.exists(folder) && !files.isWritable(folder)
        switch error.resultCode {
        case .SQLITE_READONLY where folderReadOnly, .SQLITE_CANTOPEN where folderReadOnly:
            return .readOnlyFolder(folder: folder.isEmpty ? "." : folder, database: path)
        case .SQLITE_READONLY:
            return .readOnly(path: path)
        case .SQLITE_CANTOPEN where files.exists(path) && !files.isWritable(path):
            return .readOnly(path: path)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return .corrupt(path: path)
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy(path: path)
        case .SQLITE_CONSTRAINT: return .invalid(error.message ?? "a value breaks a rule of the database")
        default: return .cannotOpen(path: path, reason: error.message ?? "\(error.resultCode)")
        }
    }

    /// An undo refused by `changedSince`, said without the way round it (each interface has its own).
    public var changedSinceSummary: String {
        guard case .changedSince(let command, let ids) = self else { return description }
        let tasks = ids.count == 1 ? "task \(ids[0]) was" : "tasks " + ids.map(String.init).joined(separator: ", ") + " were"
        return "\(tasks) changed after `\(command)`, and undoing it would lose that change; nothing was undone"
    }

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): return "cannot open the task database \(path): \(reason)"
        case .readOnly(let path): return "the task database \(path) is read-only: fix its permissions, or point --db / SMART_TODO_DB at a writable file"
        case .readOnlyFolder(let folder, let database):
            let name = (database as NSString).lastPathComponent
            return "the folder \(folder) is read-only, and SQLite keeps \(name)-wal and \(name)-shm beside the database there: make the folder writable, or point --db / SMART_TODO_DB at a database in a writable folder"
        case .notAFile(let path, let what): return "\(path) is \(what); nothing was opened"
        case .corrupt(let path): return "\(path) is not a valid task database (corrupt, or another kind of file); nothing was changed. Restore it from a backup or choose another --db"
        case .busy(let path):
            return "the task database \(path) stayed busy: another process held its write lock for \(Int(TaskStore.busyTimeout)) s; nothing was changed, try again"
        case .unknownTask(let id): return "no task \(id) (see `todo list`)"
        case .deletedTask(let id): return "task \(id) was deleted, or its add undone (`todo undo` brings back a delete that was the last command)"
        case .invalid(let message): return "not stored: \(message)"
        case .failed(let message): return message
        case .changedSince: return changedSinceSummary + " (`todo undo --force` reverts it anyway)"
        case .idempotencyKeyReused(let key):
            return "the Idempotency-Key '\(key)' came before with another task; nothing was stored (a retry sends the same task, a new task a new key)"
        }
    }
}
