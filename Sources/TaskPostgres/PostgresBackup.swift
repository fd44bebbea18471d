import Foundation
import PostgresNIO
import TaskService

/// `todo backup` and `todo restore` of a PostgreSQL database, by PostgreSQL's own tools: a
/// backup is `pg_dump`'s archive of the whole database (every account, the queue, the shared
/// cache, the undo logs), taken in one snapshot while replicas and workers keep writing; a
/// restore replaces the database's content with an archive's in one transaction, after the
/// content as it was is saved beside the backup (`todo restore` of that undoes it).
public struct PostgresBackup: Sendable {
    public let location: PostgresLocation

    public init(location: PostgresLocation) { self.location = location }

    /// Writes the database as it is now to `file` (which must not exist), renamed into place
    /// only when whole; the live tasks it holds, counted in the snapshot `pg_dump` reads.
    @discardableResult
    public func backup(to file: URL) async throws -> TaskStore.Copy {
        let path = file.standardizedFileURL.path
        guard !FileManager.default.fileExists(atPath: path) else { throw PostgresFailure.invalid("\(path) already exists; give a new file (nothing was overwritten)") }
        let folder = file.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PostgresFailure.invalid("the folder \(folder.path) does not exist")
        }
        let dump = PostgresClientTool(name: "pg_dump")
        _ = try dump.executable()
        let partial = folder.appendingPathComponent(".\(file.lastPathComponent).partial-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: partial) }
        let store = try await PostgresStore.open(location)
        let location = self.location
        let tasks: Int
        do {
            tasks = try await store.run(waiting: true) {
                try await store.client.withConnection { connection in
                    // The count and the archive read one snapshot, held open until pg_dump has it all.
                    try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: store.logger)
                    do {
                        var snapshot = ""
                        for try await id in try await connection.query("SELECT pg_export_snapshot()", logger: store.logger).decode(String.self) { snapshot = id }
                        var live = 0
                        for try await n in try await connection.query("SELECT count(*)::bigint FROM task WHERE status <> 'deleted'", logger: store.logger).decode(Int64.self) { live = Int(n) }
                        let arguments = ["--format=custom", "--no-owner", "--no-privileges", "--snapshot=\(snapshot)", "--file=\(partial.path)"]
                        try await onBlockingThread { try dump.run(arguments, on: location) }
                        try await connection.query("COMMIT", logger: store.logger)
                        return live
                    } catch {
                        _ = try? await connection.query("ROLLBACK", logger: store.logger)
                        throw error
                    }
                }
            }
            await store.close()
        } catch {
            await store.close()
            throw error
        }
        try Self.check(partial)
        try TaskStore.sync(partial.path)
        try FileManager.default.moveItem(at: partial, to: file)
        try TaskStore.sync(folder.path)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return TaskStore.Copy(path: path, tasks: tasks, bytes: bytes)
    }

    /// Replaces the database's content with the archive `file`'s (a `backup`), in one
    /// transaction: the tables, functions and triggers as the archive has them, then any
    /// migration newer than the archive. The content as it was goes to `keep` first. Replicas
    /// and workers may stay up: their statements wait for the restore, then see its tasks, and
    /// the replicas drop the search indexes they hold (`StoreNotice.replaced`).
    public func restore(from file: URL, keepingCurrentIn keep: URL) async throws -> (restored: TaskStore.Copy, kept: TaskStore.Copy) {
        let path = file.standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw PostgresFailure.invalid("\(path) does not exist; nothing was changed") }
        if isDirectory.boolValue { throw PostgresFailure.invalid("\(path) is a folder, not a backup; nothing was changed") }
        try Self.check(file)
        _ = try PostgresClientTool(name: "psql").executable()
        let kept = try await backup(to: keep)
        // The archive as SQL, after the schema is emptied, all in one transaction: a table a newer
        // migration added is not left behind, and a failure anywhere changes nothing.
        let script = keep.deletingLastPathComponent().appendingPathComponent(".restore-\(UUID().uuidString).sql")
        defer { try? FileManager.default.removeItem(at: script) }
        var sql = Data("DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n".utf8)
        sql += try PostgresClientTool(name: "pg_restore").run(["--no-owner", "--no-privileges", "--file=-", path], on: location)
        try sql.write(to: script)
        try PostgresClientTool(name: "psql").run(["-X", "-q", "--single-transaction", "-v", "ON_ERROR_STOP=1", "--file=\(script.path)"], on: location)
        // Opening migrates an archive from an older version.
        let store = try await PostgresStore.open(location)
        let tasks: Int
        do {
            tasks = try await store.run {
                var live = 0
                for try await n in try await store.client.query("SELECT count(*)::bigint FROM task WHERE status <> 'deleted'", logger: store.logger).decode(Int64.self) { live = Int(n) }
                return live
            }
            try await store.tell(.replaced)
            await store.close()
        } catch {
            await store.close()
            throw error
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return (TaskStore.Copy(path: path, tasks: tasks, bytes: bytes), kept)
    }

    /// Whether `file` is a `pg_dump` archive of a Smart TODO database (its tables of tasks and
    /// accounts), before anything changes.
    static func check(_ file: URL) throws {
        let tool = PostgresClientTool(name: "pg_restore")
        _ = try tool.executable()
        let listing: Data
        do {
            listing = try tool.run(["--list", file.path], on: nil)
        } catch {
            throw PostgresFailure.invalid("\(file.path) is not a backup of a PostgreSQL database (pg_restore cannot read it); nothing was changed")
        }
        let text = String(decoding: listing, as: UTF8.self)
        guard text.contains(" TABLE public task "), text.contains(" TABLE public account ") else {
            throw PostgresFailure.invalid("\(file.path) is a PostgreSQL backup, but not of a Smart TODO database (no task and account tables); nothing was changed")
        }
    }
}
