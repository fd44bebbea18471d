import Foundation
import TestSupport
import Testing

/// File permissions as they apply to an ordinary user (root ignores them; as root the binary
/// runs as `nobody` through runuser): a read-only database reads and refuses writes by name, a
/// read-only folder is named.
@Suite struct PermissionTests {
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
        guard getuid() == 0 else { return UnprivilegedRunner(prefix: [], binary: TodoCLI.binary.path) }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") || FileManager.default.isExecutableFile(atPath: "/sbin/runuser") else {
            throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "running as root without runuser: cannot test file permissions"])
        }
        // The build folder may sit in a folder `nobody` cannot enter (a CI clone in a private temp folder).
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("todo-unprivileged-\(getpid())")
        let copy = folder.appendingPathComponent("todo")
        if !FileManager.default.fileExists(atPath: copy.path) {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: TodoCLI.binary, to: copy)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
        }
        return UnprivilegedRunner(prefix: ["runuser", "-u", "nobody", "--"], binary: copy.path)
    }

    func run(_ args: [String]) throws -> TodoCLI.Run {
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
        return TodoCLI.Run(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }
}
