import Foundation
import GRDB
import Testing
@testable import TaskService

/// The main database file as a backup: a copy of it alone holds every finished command, a copy
/// taken while a writer is at work says so, and `backup`/`restore` make and put back
/// consistent copies while others write.
@Suite struct MainFileTests {
    static func scratch(_ name: String = "tasks.sqlite") -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("mainfile-\(UUID().uuidString)/\(name)")
    }

    @Test func aCopyTakenWhileAWriterIsAtWorkSaysSo() throws {
        let url = Self.scratch()
        let copy = url.deletingLastPathComponent().appendingPathComponent("copy.sqlite")
        do {
            let store = try TaskStore(url: url)
            store.recordWriting()  // as the service does
            _ = try store.add(TodoTask(title: "written before the copy"))
            try FileManager.default.copyItem(at: url, to: copy)  // the store is still open: its commit is in the log only
            let opened = try TaskStore(url: copy)
            #expect(opened.warnings.count == 1 && opened.warnings[0].contains("was copied or moved without its write-ahead log (copy.sqlite-wal)"))
            #expect(try opened.count() == 0)
        }
        // Released, the store brought the main file up to date and removed its record.
        try FileManager.default.removeItem(at: copy)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy.path + suffix) }
        try FileManager.default.copyItem(at: url, to: copy)
        let opened = try TaskStore(url: copy)
        #expect(try opened.warnings.isEmpty && opened.count() == 1)
    }

    @Test func aWriterThatDiedIsForgottenByTheNextOne() throws {
        let url = Self.scratch()
        let store = try TaskStore(url: url)
        store.recordWriting()
        _ = try store.add(TodoTask(title: "x"))
        try store.writer.write { db in
            try db.execute(sql: "INSERT INTO store_state (key, value) VALUES ('writer dead', 2147483646)")  // no such process
        }
        store.settle()
        let writers = try store.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM store_state WHERE key LIKE 'writer %'") }
        #expect(writers == 0)
    }

    @Test func restorePutsABackupBackAndKeepsWhatWasThere() throws {
        let url = Self.scratch()
        let folder = url.deletingLastPathComponent()
        let store = try TaskStore(url: url)
        for title in ["a", "b"] { _ = try store.add(TodoTask(title: title)) }
        _ = try store.markDone(ids: [1], undo: "todo done 1")
        let backup = try store.backup(to: folder.appendingPathComponent("backup.sqlite"))
        _ = try store.add(TodoTask(title: "c"))
        let (restored, kept) = try store.restore(from: URL(fileURLWithPath: backup.path), keepingCurrentIn: folder.appendingPathComponent("kept.sqlite"))
        #expect(restored.tasks == 2 && kept.tasks == 3)
        #expect(try UndoLog(store: store).undo() == nil, "undo after a restore does not revert a command from before the backup")
        #expect(try store.task(id: 1).status == .done)
        #expect(try store.tasks().map(\.title) == ["a", "b"])
        // Another connection sees the restored tasks too; the kept copy undoes the restore.
        #expect(try TaskStore(url: url).tasks().map(\.title) == ["a", "b"])
        _ = try store.restore(from: URL(fileURLWithPath: kept.path), keepingCurrentIn: folder.appendingPathComponent("kept2.sqlite"))
        #expect(try store.tasks().map(\.title) == ["a", "b", "c"])
        // Adding still works after a restore (ids continue).
        #expect(try store.add(TodoTask(title: "d")).id == 4)
    }

    @Test func restoreRefusesWhatIsNoTaskDatabase() throws {
        let url = Self.scratch()
        let folder = url.deletingLastPathComponent()
        let store = try TaskStore(url: url)
        _ = try store.add(TodoTask(title: "kept"))
        let text = folder.appendingPathComponent("notes.txt")
        try Data("hello".utf8).write(to: text)
        let other = folder.appendingPathComponent("other.sqlite")
        try DatabaseQueue(path: other.path).write { try $0.execute(sql: "CREATE TABLE x (y)") }
        let keep = folder.appendingPathComponent("keep.sqlite")
        #expect(throws: StoreError.failed("cannot restore from \(text.path): it is not a database; nothing was changed")) {
            try store.restore(from: text, keepingCurrentIn: keep)
        }
        #expect(throws: StoreError.failed("cannot restore from \(other.path): it is not a Smart TODO database (no task table); nothing was changed")) {
            try store.restore(from: other, keepingCurrentIn: keep)
        }
        #expect(throws: StoreError.failed("\(folder.path) is a folder, not a backup; nothing was changed")) { try store.restore(from: folder, keepingCurrentIn: keep) }
        #expect(try store.tasks().map(\.title) == ["kept"] && !FileManager.default.fileExists(atPath: keep.path))
    }
}
