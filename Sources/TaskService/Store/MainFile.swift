import Foundation
import GRDB

/// The main database file as a backup: `cp tasks.sqlite copy.sqlite` is what people do, and in
/// WAL mode the newest commits live in `tasks.sqlite-wal` until a checkpoint copies them over.
///
/// - Every process that writes checkpoints when it is done (`TaskStore.settle`, at release):
///   once a command has finished, the main file alone holds it. A long-running writer (the
///   worker, the service) settles after each batch and whenever it is idle.
/// - A long-running process that acknowledges writes before they reach the main file (the
///   service's 201) records itself there first (`recordWriting`: 'writer UUID' → its pid in
///   `store_state`, then a checkpoint) and removes the record when it settles with nothing
///   left in the log. A copy of the main file taken meanwhile carries the record; opened
///   without the log beside it, it is named as a copy missing its newest changes instead of
///   silently showing fewer tasks. (A command's own writes are not acknowledged until it
///   ends, settled: it needs no record, and saves the checkpoint.)
/// - `todo backup` makes a consistent copy at any moment (VACUUM INTO a snapshot), and
///   `todo restore` puts one back through SQLite's backup API, with other processes open.
enum MainFile {
    struct State {
        /// Commits since the main file last held everything.
        var written = false
        /// This process records itself before writing (`recordWriting`).
        var records = false
        /// This process's 'writer' record is in the main file.
        var recorded = false
    }

    /// A log this large is emptied when settled (`truncateLargeLog`).
    static let largeLog = 4 << 20

    /// This process's key in `store_state`.
    static let writerKey = "writer " + UUID().uuidString

    /// A database file in WAL mode (bytes 18 and 19 of its header are 2) without a -wal beside it.
    static func logIsMissing(_ url: URL) -> Bool {
        guard !FileManager.default.fileExists(atPath: url.path + "-wal"), let handle = FileHandle(forReadingAtPath: url.path) else { return false }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 20), header.count == 20 else { return false }
        return header[18] == 2 && header[19] == 2
    }

    /// What to tell about a database whose log is missing: nothing when no writer was at work
    /// when the main file was last brought up to date.
    static func missingLogWarning(_ db: some DatabaseReader, url: URL) throws -> [String] {
        let writers = try db.read { db -> Int in
            guard try db.tableExists("store_state") else { return 0 }
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM store_state WHERE key LIKE 'writer %'") ?? 0
        }
        guard writers > 0 else { return [] }
        return ["warning: \(url.path) was copied or moved without its write-ahead log (\(url.lastPathComponent)-wal) while a command was "
                + "writing to it: the newest changes of that moment are not in this file. Copy the -wal file with it, or make copies "
                + "with `todo backup FILE`."]
    }
}

extension TaskStore {
    /// From now on, this process records itself in the main file before it writes (see `MainFile`):
    /// for long-running processes that acknowledge writes they have not yet settled.
    public func recordWriting() {
        mainFile.withLock { $0.records = true }
    }

    /// Notes a write; a recording process first records itself in the main file, once.
    func markWriting() throws {
        guard location != nil else { return }
        try mainFile.withLock { state in
            state.written = true
            guard state.records, !state.recorded else { return }
            try writer.writeWithoutTransaction { db in
                try db.execute(sql: "INSERT OR REPLACE INTO store_state (key, value) VALUES (?, ?)", arguments: [MainFile.writerKey, getpid()])
                _ = try checkpoint(db)
            }
            state.recorded = true
        }
    }

    /// Brings the main file up to date (a passive checkpoint: it waits for no reader) and, when
    /// the log then holds nothing it lacks, removes this process's writer record (and those of
    /// writers that died on this machine). Commands call it by releasing the store; long-running
    /// processes when idle. Synced: a settled command survives power loss.
    public func settle() {
        guard location != nil, !isReadOnly else { return }
        mainFile.withLock { state in
            guard state.written || state.recorded else { return }
            try? writer.writeWithoutTransaction { db in
                guard try checkpoint(db) else { return }
                state.written = false
                try truncateLargeLog(db)
                guard state.recorded else { return }
                let writers = try Row.fetchAll(db, sql: "SELECT key, value FROM store_state WHERE key LIKE 'writer %'")
                let gone = writers.compactMap { row -> String? in
                    let key: String = row["key"], pid = Int32(row["value"] as Int64? ?? 0)
                    return key == MainFile.writerKey || (pid > 0 && kill(pid, 0) != 0 && errno == ESRCH) ? key : nil
                }
                for key in gone { try db.execute(sql: "DELETE FROM store_state WHERE key = ?", arguments: [key]) }
                if try checkpoint(db) { state.recorded = false }
            }
        }
    }

    /// Empties a log that grew large (an import, a first index) once the main file holds it all:
    /// every process opening the database reads the whole log to rebuild its index, 40 MB after
    /// building 100,000 tasks. Skipped, not waited for, while another process reads.
    func truncateLargeLog(_ db: Database) throws {
        guard let location, let size = try? FileManager.default.attributesOfItem(atPath: location.path + "-wal")[.size] as? Int,
              size > MainFile.largeLog else { return }
        try db.execute(sql: "PRAGMA busy_timeout = 0")
        defer { try? db.execute(sql: "PRAGMA busy_timeout = \(Int(TaskStore.busyTimeout * 1000))") }
        _ = try? Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// A passive checkpoint, synced; whether the main file now holds every commit of the log.
    ///
    /// The syncs are ours, in SQLite's order (the log, then the main file): SQLite's own first
    /// sync of the log in a process also syncs the folder, which costs more than the rest of
    /// the checkpoint (0.2–4 ms here, on every command).
    func checkpoint(_ db: Database) throws -> Bool {
        guard let location else { return false }
        try Self.sync(location.path + "-wal", data: true)
        try db.execute(sql: "PRAGMA synchronous = OFF")
        defer { try? db.execute(sql: "PRAGMA synchronous = NORMAL") }
        guard let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") else { return false }
        try Self.sync(location.path, data: true)
        let busy: Int = row[0], log: Int = row[1], done: Int = row[2]
        return busy == 0 && log == done
    }
}
