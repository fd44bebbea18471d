import Foundation
import Testing

/// The `todo` executable end to end (built beside the tests by `swift build --build-tests`).
@Suite struct CommandLineTests {
    static let binary: URL = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("todo")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "/nonexistent/todo")
    }()

    let db = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)/tasks.sqlite").path

    struct Run {
        var status: Int32
        var out: String
        var err: String
    }

    func todo(_ args: [String], stdin: Data? = nil) throws -> Run {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "build the todo executable first (swift build --build-tests)"])
        }
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args + ["--db", db]
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    @Test func addListShowDoneDeleteAsJSON() throws {
        let added = try todo(["add", "Renew passport", "--due", "2030-01-15", "--priority", "high", "--tag", "travel", "--json"])
        #expect(added.status == 0, "\(added.err)")
        let task = try json(added.out) as! [String: Any]
        let fields = ["id", "uuid", "title", "description", "category", "priority", "tags", "due", "status", "created", "updated", "completed", "provenance"]
        #expect(Set(task.keys) == Set(fields))
        #expect(task["category"] is NSNull && task["completed"] is NSNull)
        #expect((task["due"] as? String)?.hasPrefix("2030-01-15") == true)
        _ = try todo(["add", "Buy milk"])
        let list = try json(try todo(["list", "--json"]).out) as! [[String: Any]]
        #expect(list.map { $0["title"] as! String } == ["Renew passport", "Buy milk"])  // dated first
        #expect(try todo(["done", "2"]).status == 0)
        #expect((try json(try todo(["list", "--json"]).out) as! [[String: Any]]).count == 1)
        #expect((try json(try todo(["show", "2", "--json"]).out) as! [String: Any])["status"] as? String == "done")
        #expect(try todo(["delete", "1"]).status == 0)
        let gone = try todo(["show", "1"])
        #expect(gone.status == 1 && gone.err.contains("no task 1"))
    }

    @Test func longDescriptionFromStandardInputIsKeptWhole() throws {
        let text = String(repeating: "Paragraph of meeting notes with ünïcödé and 東京.\n\n", count: 20_000)
        let added = try todo(["add", "Notes", "--description", "-", "--json"], stdin: Data(text.utf8))
        #expect(added.status == 0, "\(added.err)")
        let shown = try json(try todo(["show", "1", "--json"]).out) as! [String: Any]
        #expect(shown["description"] as? String == text)
    }

    @Test func badInputIsExplainedAndStoresNothing() throws {
        let empty = try todo(["add", "  "])
        #expect(empty.status == 64 && empty.err.contains("title is empty"))
        let date = try todo(["add", "x", "--due", "someday maybe"])
        #expect(date.status == 1 && date.err.contains("cannot read 'someday maybe' as a date"))
        let utf8 = try todo(["add", "x", "--description", "-"], stdin: Data([0x66, 0xFF, 0xFE]))
        #expect(utf8.status == 1 && utf8.err.contains("not valid UTF-8"))
        let unknown = try todo(["done", "77"])
        #expect(unknown.status == 1 && unknown.err.contains("no task 77"))
        #expect((try json(try todo(["list", "--json", "--status", "all"]).out) as! [Any]).isEmpty)
    }

    @Test func corruptDatabaseIsReportedAndLeftAlone() throws {
        try FileManager.default.createDirectory(atPath: (db as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(repeating: 0x5A, count: 4096).write(to: URL(fileURLWithPath: db))
        let r = try todo(["list"])
        #expect(r.status == 1 && r.err.contains("not a valid task database"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == Data(repeating: 0x5A, count: 4096))
    }
}
