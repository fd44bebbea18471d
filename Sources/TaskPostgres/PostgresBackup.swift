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
        let location = self.location
        let tasks = try await PostgresStore.with(location) { store in
            try await store.run(waiting: true) {
                try await store.client.withConnection { connection in
                    // The count and the archive read one snapshot, held open until pg_dump has it all.
                    try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: store.logger)
                    do {
                        var snapshot = ""
                        for try await id in try await connection.query("SELECT pg_export_snapshot()", logger: store.logger).decode(String.self) { snapshot = id }
                        let live = try await store.liveTasks(on: connection)
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
    /// migration newer than the archive. The content as it was goes to `keep` first. No other
    /// session may be connected (replicas, workers, commands): a write between the copy kept
    /// and the replacement would be in neither, so the restore refuses, before it starts and
    /// again inside its transaction. Accounts revoked now stay revoked. Replicas started
    /// meanwhile drop the search indexes they hold (`StoreNotice.replaced`).
    public func restore(from file: URL, keepingCurrentIn keep: URL) async throws -> (restored: TaskStore.Copy, kept: TaskStore.Copy) {
        let path = file.standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw PostgresFailure.invalid("\(path) does not exist; nothing was changed") }
        if isDirectory.boolValue { throw PostgresFailure.invalid("\(path) is a folder, not a backup; nothing was changed") }
        try Self.check(file)
        let psql = PostgresClientTool(name: "psql")
        _ = try psql.executable()
        // The archive as SQL before anything changes: a damaged one fails here.
        let archive: Data
        do {
            archive = try PostgresClientTool(name: "pg_restore").run(["--no-owner", "--no-privileges", "--file=-", path], on: location)
        } catch let failure as PostgresFailure {
            throw PostgresFailure.invalid("\(path) cannot be read whole (\(failure.description)); nothing was changed")
        }
        try await refuseOtherSessions()
        let kept = try await backup(to: keep)
        let script = keep.deletingLastPathComponent().appendingPathComponent(".restore-\(UUID().uuidString).sql")
        defer { try? FileManager.default.removeItem(at: script) }
        try (Data(Self.before.utf8) + archive + Data(Self.after.utf8)).write(to: script)
        do {
            try psql.run(["-X", "-q", "--single-transaction", "-v", "ON_ERROR_STOP=1", "--file=\(script.path)"], on: location)
        } catch let failure as PostgresFailure {
            throw PostgresFailure.invalid("\(failure.description); nothing was changed (the transaction was rolled back)")
        }
        // Opening migrates an archive from an older version.
        let tasks = try await PostgresStore.with(location) { store in
            let live = try await store.run { try await store.client.withConnection { try await store.liveTasks(on: $0) } }
            try await store.tell(.replaced)
            return live
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return (TaskStore.Copy(path: path, tasks: tasks, bytes: bytes), kept)
    }

    /// Other sessions on this database; a session just closed (this process's own) may take a
    /// moment to leave, so the count is waited on for up to 2 s.
    static let otherSessions = "(SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE \(isOtherSession))"

    /// A row of pg_stat_activity that is another client's session on this database.
    static let isOtherSession = "datname = pg_catalog.current_database() AND pid <> pg_catalog.pg_backend_pid() AND backend_type = 'client backend'"

    static let refusal = "other sessions are connected to the database (replicas, workers, commands): stop them first, as writes made during a restore would be lost"

    private func refuseOtherSessions() async throws {
        let query = PostgresQuery(unsafeSQL: "SELECT \(Self.otherSessions)")
        try await PostgresStore.with(location) { store in
            for _ in 0..<20 {
                let others = try await store.run {
                    for try await n in try await store.client.query(query, logger: store.logger).decode(Int64.self) { return Int(n) }
                    return 0
                }
                // Its own pool is one of them until closed: at most the pool's connections.
                if others <= 1 { return }
                try await Task.sleep(for: .milliseconds(100))
            }
            let names = try await Self.sessionNames(store)
            throw PostgresFailure.invalid("\(Self.refusal)\(names.isEmpty ? "" : " (\(names))"); nothing was changed")
        }
    }

    /// The other sessions by name and where from, one text: "todo serve from 10.0.0.5 ×2, todo
    /// worker on this machine" (NULL when there are none). Sessions named `excluding` are left out.
    static func otherSessionNames(excluding name: String? = nil) -> String {
        let others = name.map { " AND application_name <> '\($0.replacingOccurrences(of: "'", with: "''"))'" } ?? ""
        return """
        (SELECT pg_catalog.string_agg(who, ', ' ORDER BY who) FROM (
            SELECT coalesce(nullif(application_name, ''), 'a session with no name')
                   || coalesce(' from ' || pg_catalog.host(client_addr), ' on this machine')
                   || CASE WHEN count(*) > 1 THEN ' ×' || count(*) ELSE '' END AS who
            FROM pg_catalog.pg_stat_activity
            WHERE \(isOtherSession)\(others)
            GROUP BY application_name, client_addr) AS sessions)
        """
    }

    /// The others' names for the refusal (its own pool's other connection has this process's name).
    private static func sessionNames(_ store: PostgresStore) async throws -> String {
        let query = PostgresQuery(unsafeSQL: "SELECT coalesce(\(otherSessionNames(excluding: PostgresLocation.applicationName)), '')")
        return try await store.run {
            for try await names in try await store.client.query(query, logger: store.logger).decode(String.self) { return names }
            return ""
        }
    }

    /// Run before the archive, in its transaction: no other session (checked again where it
    /// counts), the names of revoked accounts kept aside, the schema emptied (a table a newer
    /// migration added is not left behind).
    static let before = """
        DO $$ BEGIN
            FOR i IN 1..20 LOOP
                EXIT WHEN \(otherSessions) = 0;
                PERFORM pg_catalog.pg_sleep(0.1);
            END LOOP;
            IF \(otherSessions) > 0 THEN RAISE EXCEPTION '\(refusal) (%)', \(otherSessionNames()); END IF;
        END $$;
        CREATE TEMP TABLE smart_todo_revoked AS SELECT pg_catalog.lower(name) AS name, revoked FROM public.account WHERE revoked IS NOT NULL;
        DROP SCHEMA public CASCADE;
        CREATE SCHEMA public;

        """

    /// Run after the archive: it must have held a Smart TODO database's data, and an account
    /// revoked before the restore stays revoked (its token was refused; a backup must not bring it back).
    /// The undo history starts empty, as a SQLite restore's does: the archive's is of commands from
    /// before it was taken, and `todo undo` right after a restore would revert one of those over the
    /// restored tasks (the kept copy is what undoes a restore). An archive older than the history has none.
    static let after = """

        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM public.schema_migration) THEN
                RAISE EXCEPTION 'the archive holds no Smart TODO data (no migrations recorded)';
            END IF;
            IF pg_catalog.to_regclass('public.undo_entry') IS NOT NULL THEN
                DELETE FROM public.undo_entry;
            END IF;
        END $$;
        UPDATE public.account a SET revoked = r.revoked FROM pg_temp.smart_todo_revoked r WHERE pg_catalog.lower(a.name) = r.name AND a.revoked IS NULL;

        """

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
        guard [" TABLE DATA public task ", " TABLE DATA public account ", " TABLE DATA public schema_migration "].allSatisfy(text.contains) else {
            throw PostgresFailure.invalid("\(file.path) is a PostgreSQL backup, but not of a Smart TODO database with its data (the tasks, accounts and migrations); nothing was changed")
        }
    }
}
