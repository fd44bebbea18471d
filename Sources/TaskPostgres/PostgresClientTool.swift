import Foundation

/// One of PostgreSQL's client programs (`pg_dump`, `pg_restore`, `psql`), run against a
/// `PostgresLocation`: the connection goes in libpq's environment variables, so the password
/// is never on a command line that `ps` shows.
struct PostgresClientTool {
    let name: String

    /// The program on PATH, or a failure saying how to install it.
    func executable() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw PostgresFailure.invalid("`todo backup` and `todo restore` of a PostgreSQL database run PostgreSQL's own \(name), which is not on the PATH here (Debian: apt-get install postgresql-client)")
    }

    /// Runs it with `arguments` (connected to `location`, if given); its standard output. A
    /// non-zero exit is a failure quoting the end of what it said on standard error.
    @discardableResult
    func run(_ arguments: [String], on location: PostgresLocation?) throws -> Data {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        if let location {
            environment["PGHOST"] = location.host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            environment["PGPORT"] = String(location.port)
            environment["PGUSER"] = location.user
            environment["PGDATABASE"] = location.database
            environment["PGSSLMODE"] = location.tls.rawValue
            environment["PGCONNECT_TIMEOUT"] = "5"
            environment["PGPASSWORD"] = location.password
        }
        process.environment = environment
        let (out, err) = (Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Both pipes drained at once: either may fill while the other is read.
        let errors = ErrorText()
        let reader = Thread { errors.data = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.005) }
        guard process.terminationStatus == 0 else {
            // The server's error if it gave one ("psql:FILE:LINE: ERROR:  …"), else the last lines.
            let lines = String(decoding: errors.data, as: UTF8.self).split(separator: "\n")
            let said = lines.first { $0.contains("ERROR:") }.map { String($0[$0.range(of: "ERROR:")!.upperBound...]).trimmingCharacters(in: .whitespaces) }
                ?? lines.suffix(3).joined(separator: " ")
            throw PostgresFailure.invalid("\(name) failed (exit \(process.terminationStatus)): \(said.isEmpty ? "no message" : said)")
        }
        return output
    }

    private final class ErrorText: @unchecked Sendable {
        var data = Data()
    }
}
