import Foundation

/// The `todo` executable, built beside the tests (`swift build --build-tests`), run as a user
/// runs it, each instance on a database of its own in a temporary folder.
public struct TodoCLI: Sendable {
    /// The `todo` next to the test bundle.
    public static let binary: URL = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("todo")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "/nonexistent/todo")
    }()

    public var dbOverride: String?
    public let defaultDB = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)/tasks.sqlite").path
    public var db: String { dbOverride ?? defaultDB }

    public init(db: String? = nil) { dbOverride = db }

    public struct Run: Sendable {
        public var status: Int32
        public var out: String
        public var err: String

        public init(status: Int32, out: String, err: String) {
            self.status = status
            self.out = out
            self.err = err
        }
    }

    /// Commands that take no database.
    static let withoutDatabase: Set<String> = ["eval", "classify", "embed", "tokenize", "models"]

    /// Runs `todo args --db <this instance's database>` (without --db for the commands that have none).
    public func todo(_ args: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> Run {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "build the todo executable first (swift build --build-tests)"])
        }
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = Self.withoutDatabase.contains(args.first ?? "") ? args : args + ["--db", db]
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
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

    /// A JSON document printed by a command.
    public func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }
}
