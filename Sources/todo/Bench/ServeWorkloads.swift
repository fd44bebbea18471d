import Foundation
import Inference

/// `todo bench --only serve`: `todo serve` on loopback, loaded by N connections at once, each
/// POSTing new tasks (varied texts, none seen before) with inline AI (the default 200 ms budget)
/// — with dynamic batching and without (each task enriched alone) — and the Python peer
/// (Tools/bench/peer: FastAPI, sentence-transformers loaded once, AI in a background thread)
/// on the same load and threads. Throughput counts a task once it is stored *and* enriched
/// (the peer answers before its AI runs, so its POSTs alone would say nothing of the AI); then
/// GET /api/tasks and search on each.
extension BenchCommand {
    static let serveConnections = [1, 4, 16, 64]

    func benchServe(_ report: inout BenchReport, reference: ReferenceRunner?, threads: Int, tasksPerLoad: Int = 160) throws {
        let bundle = try openEmbeddingBundle(model)
        var servers: [(label: String, start: () throws -> BenchTarget)] = [("batched", { BenchTarget(try .ours(batching: true, threads: threads, model: model)) })]
        let account = try db.map(BenchAccount.init(url:))
        defer { account?.revoke() }
        if let db, let account {
            // The same load on PostgreSQL, beside the SQLite server: one replica, then two sharing the cores.
            servers.append(("postgres_1", { try .postgres(db, replicas: 1, threads: threads, model: model, token: account.token) }))
            servers.append(("postgres_2", { try .postgres(db, replicas: 2, threads: threads, model: model, token: account.token) }))
        } else {
            servers.append(("unbatched", { BenchTarget(try .ours(batching: false, threads: threads, model: model)) }))
            if let reference {
                servers.append(("peer", { BenchTarget(try .peer(python: reference.python, script: reference.scriptsDirectory.appendingPathComponent("peer/server.py"),
                                                                model: bundle.directory, threads: threads)) }))
            } else {
                Console.error("serve: no Python peer without the reference venv (bash Tools/bench/peer/setup.sh)")
            }
        }
        let corpus = BenchCorpus.texts(count: 4_000)
        var throughput: [String: (tasksPerSecond: Double, p99: Double)] = [:]
        var next = 0  // every load's texts are new to every server: no cache hits
        for (label, start) in servers {
            let server: BenchTarget
            do { server = try start() } catch {
                Console.error("serve: \(label) not measured: \(error)")
                continue
            }
            defer { server.stop() }
            for connections in Self.serveConnections {
                let each = max(4, tasksPerLoad / connections)
                let first = next
                next += connections * each
                let (load, drained) = try Self.driveUntilEnriched(server, connections: connections, requests: each) { c, i in
                    ("POST", "/api/tasks", Self.newTaskBody(first + c * each + i, corpus: corpus))
                }
                let key = "serve_post_\(label)_c\(connections)"
                let timing = Timing(samples: load.latencies)
                throughput[key] = (Double(load.latencies.count) / drained, timing.percentile(0.99))
                report.add(key + "_tasks_s", Double(load.latencies.count) / drained, "POST /api/tasks, \(label), \(connections) connections: stored and enriched", unit: "tasks/s")
                report.add(key + "_p50_ms", timing.median, "  POST p50", unit: "ms")
                report.add(key + "_p99_ms", timing.percentile(0.99), "  POST p99", unit: "ms")
            }
            guard label != "unbatched" else { continue }
            for (key, path) in [("list", "/api/tasks?limit=20"), ("search", "/api/search?q=parking%20permit&limit=10")] {
                let (_, latencies) = try Self.drive(server, connections: 1, requests: 50) { _, _ in ("GET", path, nil) }
                report.add("serve_\(key)_\(label)_p50_ms", Timing(samples: latencies).median, "GET \(path), \(label), 1 connection, p50", unit: "ms")
            }
        }
        if db == nil { try benchServeAtScale(&report, threads: threads) }
        for replicas in [1, 2] {
            guard let theirs = throughput["serve_post_postgres_\(replicas)_c16"], let ours = throughput["serve_post_batched_c16"] else { continue }
            report.add("serve_postgres_\(replicas)_vs_sqlite_c16", theirs.tasksPerSecond / ours.tasksPerSecond,
                       "PostgreSQL, \(replicas) replica(s) ÷ SQLite, tasks stored and enriched per second, 16 connections", unit: "×")
        }
        if let batched = throughput["serve_post_batched_c16"], let alone = throughput["serve_post_unbatched_c16"] {
            report.add("serve_batching_gain_c16", batched.tasksPerSecond / alone.tasksPerSecond, "dynamic batching: throughput at 16 connections, batched ÷ alone", unit: "×")
        }
        for connections in Self.serveConnections {
            guard let ours = throughput["serve_post_batched_c\(connections)"], let peer = throughput["serve_post_peer_c\(connections)"] else { continue }
            report.add("serve_vs_peer_c\(connections)", ours.tasksPerSecond / peer.tasksPerSecond, "ours ÷ Python peer, tasks stored and enriched per second, \(connections) connections", unit: "×")
            report.add("serve_vs_peer_p99_c\(connections)", peer.p99 / ours.p99, "  POST p99: peer ÷ ours (above 1: ours is faster)", unit: "×")
        }
    }

    /// A new task's body: a corpus text made unique (no cache hit on either side); every fourth
    /// a short title with a long description.
    static func newTaskBody(_ n: Int, corpus: [String]) -> String {
        var task = ["title": corpus[n % corpus.count] + " (case \(n))"]
        if n % 4 == 0 {
            task = ["title": corpus[(n + 1) % corpus.count].prefix(60) + " (case \(n))", "description": corpus[n % corpus.count]]
        }
        return String(decoding: try! JSONEncoder().encode(task), as: UTF8.self)
    }

    /// `drive`, then waits until the server's queue is empty (`/readyz` `queue_depth`); the load's
    /// latencies and the seconds from its start until every task was enriched.
    static func driveUntilEnriched(_ server: BenchTarget, connections: Int, requests: Int,
                                   _ make: @escaping @Sendable (Int, Int) -> (String, String, String?)) throws -> (load: (seconds: Double, latencies: [Double]), drained: Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let load = try drive(server, connections: connections, requests: requests, make)
        // Any replica: the queue is the database's.
        let probe = try LoopbackHTTP(port: server.ports[0], token: server.token)
        let deadline = start + 600 * 1_000_000_000
        while true {
            let (_, body) = try probe.request("GET", "/readyz")
            let depth = (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])?["queue_depth"] as? Int
            if depth == 0 { break }
            guard DispatchTime.now().uptimeNanoseconds < deadline else { throw CommandFailure("serve bench: the queue did not drain in 10 minutes") }
            usleep(2_000)
        }
        return (load, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// Search and listing through HTTP over 100,000 tasks (the scale bench's database: synthetic
    /// vectors), a new query each time; and the server's peak RSS.
    func benchServeAtScale(_ report: inout BenchReport, threads: Int, size: Int = 100_000) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smart-todo-bench-serve-scale-\(getpid())")
        defer { if keepDatabases { Console.error("serve: kept \(directory.path)") } else { try? FileManager.default.removeItem(at: directory) } }
        let db = directory.appendingPathComponent("tasks.sqlite")
        Console.error("serve: building \(size) tasks")
        try Self.buildScaleDatabase(at: db, size: size, embedder: try SentenceEmbedder(bundle: try openEmbeddingBundle(model)))
        let server = try ServedForBench.ours(batching: true, threads: threads, model: model, database: db)
        defer { server.stop() }
        let target = BenchTarget(server)
        let (_, search) = try Self.drive(target, connections: 1, requests: 40) { _, i in ("GET", "/api/search?q=paperwork%20for%20the%20van%20\(i)&limit=10", nil) }
        report.add("serve_search_\(size)_p50_ms", Timing(samples: search).median, "GET /api/search over \(size) tasks, p50", unit: "ms")
        let (_, list) = try Self.drive(target, connections: 1, requests: 40) { _, _ in ("GET", "/api/tasks?limit=20", nil) }
        report.add("serve_list_\(size)_p50_ms", Timing(samples: list).median, "GET /api/tasks?limit=20 over \(size) tasks, p50", unit: "ms")
        if let rss = server.peakResidentMegabytes { report.add("serve_peak_rss_\(size)_mb", rss, "todo serve peak RSS with \(size) tasks", unit: "MiB") }
    }

    /// `connections` threads, each with its own kept-alive connection (to the server's replicas in
    /// turn), sending `requests` requests; wall time and every request's latency in ms.
    static func drive(_ server: BenchTarget, connections: Int, requests: Int,
                      _ make: @escaping @Sendable (Int, Int) -> (String, String, String?)) throws -> (seconds: Double, latencies: [Double]) {
        let results = BenchResults()
        let group = DispatchGroup()
        let start = DispatchTime.now().uptimeNanoseconds
        for c in 0..<connections {
            group.enter()
            Thread {
                defer { group.leave() }
                do {
                    let http = try LoopbackHTTP(port: server.ports[c % server.ports.count], token: server.token)
                    var mine: [Double] = []
                    for i in 0..<requests {
                        let (method, path, body) = make(c, i)
                        let t = DispatchTime.now().uptimeNanoseconds
                        let status = try http.send(method, path, json: body)
                        guard status < 400 else { throw CommandFailure("\(method) \(path) answered \(status)") }
                        mine.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6)
                    }
                    results.add(mine)
                } catch {
                    results.fail("\(error)")
                }
            }.start()
        }
        group.wait()
        if let failure = results.failures.first { throw CommandFailure("serve bench: \(failure)") }
        return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, results.latencies)
    }
}

/// What a load is sent to: one server, or replicas on one database taking connections in turn.
struct BenchTarget {
    let servers: [ServedForBench]
    var token: String? = nil
    var ports: [Int] { servers.map(\.port) }

    init(_ server: ServedForBench) { servers = [server] }

    init(servers: [ServedForBench], token: String?) {
        self.servers = servers
        self.token = token
    }

    /// `replicas` × `todo serve --db URL`, sharing `threads` cores between them.
    static func postgres(_ url: String, replicas: Int, threads: Int, model: String?, token: String) throws -> BenchTarget {
        var started: [ServedForBench] = []
        do {
            for _ in 0..<replicas {
                started.append(try ServedForBench(executable: ServedForBench.ourExecutable,
                                                  arguments: ["serve", "--port", "0", "--db", url, "--threads", String(max(1, threads / replicas))]
                                                      + (model.map { ["--model", $0] } ?? []),
                                                  directory: FileManager.default.temporaryDirectory.appendingPathComponent("smart-todo-bench-pg-\(UUID().uuidString)")))
            }
        } catch {
            for server in started { server.stop() }
            throw error
        }
        return BenchTarget(servers: started, token: token)
    }

    func stop() { for server in servers { server.stop() } }
}

/// The account a PostgreSQL bench posts as (`todo users add`), revoked when done; its tasks stay
/// in the database, which should be a throw-away one.
struct BenchAccount {
    let url: String
    let name = "bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let token: String

    init(url: String) throws {
        self.url = url
        let added = try ServedForBench.runOurs(["users", "add", name, "--db", url])
        guard let token = added.split(separator: "\n").last.map(String.init), token.count == 64 else {
            throw CommandFailure("serve: `todo users add` gave no token on \(url)")
        }
        self.token = token
    }

    func revoke() { _ = try? ServedForBench.runOurs(["users", "revoke", name, "--db", url]) }
}

/// A server child on loopback (`--port 0`, its port read from the `listening on` line), for the benchmark.
struct ServedForBench {
    let process = Process()
    let port: Int
    let directory: URL

    /// `todo serve` on `database`, or a fresh one.
    static func ours(batching: Bool, threads: Int, model: String?, database: URL? = nil) throws -> ServedForBench {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smart-todo-bench-serve-\(UUID().uuidString)")
        let db = database ?? directory.appendingPathComponent("tasks.sqlite")
        return try ServedForBench(executable: ourExecutable,
                                  arguments: ["serve", "--port", "0", "--db", db.path, "--threads", String(threads)]
                                      + (model.map { ["--model", $0] } ?? []) + (batching ? [] : ["--no-batching"]),
                                  directory: directory)
    }

    /// This `todo`.
    static var ourExecutable: URL { URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath() }

    /// Runs this `todo` with `arguments` to its end; its output (a failure names its error output).
    static func runOurs(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = ourExecutable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        (process.standardOutput, process.standardError) = (out, err)
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile(), errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailure("todo \(arguments.prefix(2).joined(separator: " ")): \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The Python peer (Tools/bench/peer/server.py) on a fresh SQLite file.
    static func peer(python: String, script: URL, model: URL, threads: Int) throws -> ServedForBench {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smart-todo-bench-peer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try ServedForBench(executable: URL(fileURLWithPath: python),
                                  arguments: [script.path, "--db", directory.appendingPathComponent("peer.sqlite").path, "--port", "0",
                                              "--model", model.path, "--threads", String(threads)],
                                  directory: directory)
    }

    init(executable: URL, arguments: [String], directory: URL) throws {
        self.directory = directory
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([0x0A]) { break }
            line.append(byte)
        }
        guard let port = String(decoding: line, as: UTF8.self).split(separator: ":").last.flatMap({ Int($0) }) else {
            process.terminate()
            throw CommandFailure("\(executable.lastPathComponent) did not start (no `listening on` line)")
        }
        self.port = port
    }

    /// VmHWM of the server process (Linux), in MiB.
    var peakResidentMegabytes: Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kb / 1024
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Latencies and failures gathered from the load's threads.
final class BenchResults: @unchecked Sendable {
    private let lock = NSLock()
    private var gathered: [Double] = [], failed: [String] = []

    func add(_ latencies: [Double]) { lock.withLock { gathered += latencies } }
    func fail(_ message: String) { lock.withLock { failed.append(message) } }
    var latencies: [Double] { lock.withLock { gathered } }
    var failures: [String] { lock.withLock { failed } }
}
