import ArgumentParser
import Foundation
import TaskPostgres
import TaskService

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the task database to a file: consistent, even while other commands or the service write.",
        discussion: """
        The copy is one moment's snapshot of everything — tasks, the queue, the AI cache, the \
        undo history — compacted into a single file that needs nothing beside it. Left out: \
        the vectors of the built-in examples (8 MB per model), which are computed again \
        when needed. The file \
        must not exist yet. (Copying tasks.sqlite yourself also works once no command is \
        running: every command brings that file up to date when it ends; a copy taken while \
        one writes may lack its newest changes, and says so when opened.)

        A PostgreSQL database (--db postgres://…) is backed up whole — every account — by \
        PostgreSQL's own pg_dump (package postgresql-client), into its archive format, in \
        one snapshot while replicas and workers keep writing.

        Examples:
          todo backup ~/backups/tasks-$(date +%F).sqlite
          todo backup team-$(date +%F).pgdump --db postgres://smarttodo@db.internal/todo
          todo restore ~/backups/tasks-2026-12-01.sqlite
        """
    )

    @Argument(help: "The file to write (it must not exist).") var file: String
    @Flag(help: "Print {path, tasks, bytes} as JSON.") var json = false
    @OptionGroup var store: StoreOptions

    func validate() throws { try store.refuseUser(for: "backup") }

    func run() async throws {
        let target = URL(fileURLWithPath: file)
        let copy: TaskStore.Copy
        if let location = try store.postgresLocation() {
            copy = try await postgresCall { try await PostgresBackup(location: location).backup(to: target) }
        } else {
            copy = try storeCall { try store.open(mustExist: true).backup(to: target) }
        }
        if json { Console.out(try JSONOutput.line(BackupOutput(copy))); return }
        Console.out("Backed up \(copy.tasks) task\(copy.tasks == 1 ? "" : "s") to \(copy.path) (\(ByteCountFormatter.string(fromByteCount: Int64(copy.bytes), countStyle: .file))).")
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a backup back: the database's content becomes the backup's.",
        discussion: """
        The database as it was is copied first, next to it (tasks.sqlite.before-restore-…), \
        so `todo restore` of that copy undoes this (`todo undo` starts afresh: the backup's \
        history is of commands from before it was taken). The backup is checked (a Smart TODO \
        database, undamaged) before anything changes; one from an older version is brought \
        up to date. Other commands may be running meanwhile: they see the restored tasks \
        from their next step on.

        A PostgreSQL database (--db postgres://…) takes an archive of `todo backup`: its \
        content as it was is first backed up beside the archive (…before-restore-….pgdump), \
        then replaced whole — every account — in one transaction, by PostgreSQL's own \
        pg_restore and psql. Stop the replicas and workers first: a write made during the \
        restore would be in neither copy, so it refuses while another session is connected. \
        An account revoked now stays revoked.

        Examples:
          todo restore ~/backups/tasks-2026-12-01.sqlite
          todo restore old.sqlite --db ~/work-tasks.sqlite --json
        """
    )

    @Argument(help: "A backup made by `todo backup` (or any copy of a task database).") var file: String
    @Flag(help: "Print {restored: {path, tasks, bytes}, kept: {path, tasks, bytes}} as JSON.") var json = false
    @OptionGroup var store: StoreOptions

    func validate() throws { try store.refuseUser(for: "restore") }

    struct Output: Encodable {
        var restored: BackupOutput
        var kept: BackupOutput
    }

    func run() async throws {
        let stamp = Date().formatted(.iso8601.year().month().day().dateSeparator(.omitted).time(includingFractionalSeconds: false).timeSeparator(.omitted))
        let source = URL(fileURLWithPath: file)
        let (restored, kept): (TaskStore.Copy, TaskStore.Copy)
        if let location = try store.postgresLocation() {
            let keep = Self.unused(source.deletingLastPathComponent().appendingPathComponent("\(location.database).before-restore-\(stamp)"), suffix: ".pgdump")
            (restored, kept) = try await postgresCall { try await PostgresBackup(location: location).restore(from: source, keepingCurrentIn: keep) }
        } else {
            let taskStore = try store.open()
            guard let location = taskStore.location else { return }
            let keep = Self.unused(URL(fileURLWithPath: location.path + ".before-restore-\(stamp)"))
            (restored, kept) = try storeCall { try taskStore.restore(from: source, keepingCurrentIn: keep) }
        }
        if json { Console.out(try JSONOutput.line(Output(restored: BackupOutput(restored), kept: BackupOutput(kept)))); return }
        Console.out("Restored \(restored.tasks) task\(restored.tasks == 1 ? "" : "s") from \(restored.path).")
        Console.out("The database as it was (\(kept.tasks) task\(kept.tasks == 1 ? "" : "s")) is kept in \(kept.path); `todo restore` of it undoes this.")
    }

    /// `base` + `suffix`, or with "-2", "-3", … before the suffix if that file exists: two
    /// restores within one second must not collide.
    static func unused(_ base: URL, suffix: String = "") -> URL {
        var candidate = URL(fileURLWithPath: base.path + suffix)
        var n = 2
        while FileManager.default.fileExists(atPath: candidate.path) {
            candidate = URL(fileURLWithPath: base.path + "-\(n)" + suffix)
            n += 1
        }
        return candidate
    }
}

struct BackupOutput: Encodable {
    var path: String
    var tasks: Int
    var bytes: Int

    init(_ copy: TaskStore.Copy) {
        path = copy.path
        tasks = copy.tasks
        bytes = copy.bytes
    }
}
