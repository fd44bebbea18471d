import Foundation
import GRDB
import TaskService
import TestSupport
import Testing

/// The main file as a backup, from the command line: a copy of the file alone keeps every
/// finished command, `todo backup` is consistent while another process writes, and `todo
/// restore` puts a backup back.
@Suite struct BackupCommandLineTests {
    static func scratch(_ name: String = "tasks.sqlite") -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("backup-cli-\(UUID().uuidString)/\(name)")
    }

    @Test func aCopyOfTheFileAloneKeepsItsTasks() throws {
        let cli = TodoCLI()
        for i in 1...3 { #expect(try cli.todo(["add", "task \(i)", "--async"]).status == 0) }
        // Commands that enrich (the first one writes megabytes of the banks' vectors) settle as well.
        for title in ["Pay the electricity bill", "Book a dentist appointment"] { #expect(try cli.todo(["add", title]).status == 0) }
        #expect(try cli.todo(["edit", "5", "--title", "Book the dentist"]).status == 0)
        #expect(try cli.todo(["enrich"]).status == 0)
        let copy = URL(fileURLWithPath: cli.db).deletingLastPathComponent().appendingPathComponent("backup.sqlite")
        try FileManager.default.copyItem(atPath: cli.db, toPath: copy.path)
        let other = TodoCLI(db: copy.path)
        let listed = try other.todo(["list", "--json"])
        let tasks = try #require(try other.json(listed.out) as? [[String: Any]], "\(listed.out)\(listed.err)")
        #expect(listed.status == 0 && listed.err.isEmpty && tasks.count == 5, "\(listed.out)\(listed.err)")
        #expect(tasks.compactMap { $0["title"] as? String }.contains("Book the dentist"))
        #expect(tasks.allSatisfy { $0["category"] is String }, "the enrich command's answers are in the copy: \(listed.out)")
    }

    @Test func aBackupLeavesOutTheBuiltInExamplesVectors() throws {
        let cli = TodoCLI()
        // Enriching writes the banks' vectors (megabytes) into the database's cache.
        #expect(try cli.todo(["add", "Pay the electricity bill"]).status == 0)
        let source = try DatabasePool(path: cli.db)
        #expect(try source.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM result_cache WHERE operation = 'embedding-set'") } == 1)
        try source.close()
        let file = URL(fileURLWithPath: cli.db).deletingLastPathComponent().appendingPathComponent("b.sqlite").path
        let backup = try cli.todo(["backup", file, "--json"])
        let bytes = try #require((try JSONSerialization.jsonObject(with: Data(backup.out.utf8)) as? [String: Any])?["bytes"] as? Int, "\(backup.err)")
        let copy = try DatabaseQueue(path: file)
        let (sets, entries, counted) = try copy.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM result_cache WHERE operation = 'embedding-set'"),
             try Int.fetchOne(db, sql: "SELECT count(*) FROM result_cache"),
             try Int.fetchOne(db, sql: "SELECT entries FROM cache_summary"))
        }
        try copy.close()
        #expect(sets == 0 && entries! > 0 && counted == entries, "the task's own answers stay, and the cache's count follows")
        #expect(bytes < 5_000_000, "the copy was compacted without the sets: \(bytes) bytes")
        // The backup is whole: it enriches a new task, taking the sets again.
        let restored = TodoCLI(db: file)
        #expect(try restored.todo(["add", "Book a dentist appointment"]).status == 0)
        let tasks = try #require(try restored.json(try restored.todo(["list", "--json"]).out) as? [[String: Any]])
        #expect(tasks.count == 2 && tasks.allSatisfy { $0["category"] is String })
    }

    @Test func backupIsConsistentWhileAnotherWriterAdds() throws {
        let url = Self.scratch()
        let store = try TaskStore(url: url)
        for i in 0..<200 { _ = try store.add(TodoTask(title: "before \(i)")) }
        // Another process at the same time, adding 300 more in small transactions.
        let cli = TodoCLI()
        let lines = (0..<300).map { "{\"title\": \"during \($0)\"}" }.joined(separator: "\n")
        let file = url.deletingLastPathComponent().appendingPathComponent("more.jsonl")
        try lines.write(to: file, atomically: true, encoding: .utf8)
        let writer = Process()
        writer.executableURL = TodoCLI.binary
        writer.arguments = ["import", file.path, "--db", url.path]
        writer.standardOutput = FileHandle.nullDevice
        try writer.run()
        var backups: [TaskStore.Copy] = []
        for n in 0..<5 { backups.append(try store.backup(to: url.deletingLastPathComponent().appendingPathComponent("b\(n).sqlite"))) }
        writer.waitUntilExit()
        for b in backups {
            let copy = try DatabaseQueue(path: b.path)
            #expect(try copy.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
            let count = try copy.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM task") } ?? 0
            #expect(count == b.tasks && (count == 200 || count == 500), "an import is all or nothing: \(count)")
            #expect(try copy.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM store_state WHERE key LIKE 'writer %'") } == 0)
        }
        #expect(throws: StoreError.failed("\(backups[0].path) already exists; give a new file (nothing was overwritten)")) {
            try store.backup(to: URL(fileURLWithPath: backups[0].path))
        }
    }

    @Test func backupAndRestoreFromTheCommandLine() throws {
        let cli = TodoCLI()
        _ = try cli.todo(["add", "Renew passport", "--async"])
        let file = URL(fileURLWithPath: cli.db).deletingLastPathComponent().appendingPathComponent("b.sqlite").path
        let backup = try cli.todo(["backup", file, "--json"])
        #expect(backup.status == 0, "\(backup.err)")
        #expect((try JSONSerialization.jsonObject(with: Data(backup.out.utf8)) as? [String: Any])?["tasks"] as? Int == 1)
        _ = try cli.todo(["add", "Second", "--async"])
        let restore = try cli.todo(["restore", file])
        #expect(restore.status == 0 && restore.out.hasPrefix("Restored 1 task from") && restore.out.contains("before-restore-"), "\(restore.out)\(restore.err)")
        #expect(try cli.todo(["list"]).out.contains("Renew passport"))
        let again = try cli.todo(["backup", file])
        #expect(again.status == 1 && again.err.contains("already exists"))
    }
}
