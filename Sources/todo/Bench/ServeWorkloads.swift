import Foundation
import Inference

/// `todo bench --only serve`: `todo serve` on loopback, loaded by N connections at once, each
/// POSTing new tasks with inline AI (the default 200 ms budget) — with dynamic batching and
/// without (each task enriched alone) — then GET /api/tasks and search. Throughput, p50, p99.
extension BenchCommand {
    static let serveConnections = [1, 4, 16, 64]

    func benchServe(_ report: inout BenchReport, requestsPerConnection: Int = 40) throws {
        var throughput: [String: Double] = [:]
        for batching in [true, false] {
            let label = batching ? "batched" : "unbatched"
            let server = try ServedForBench(batching: batching)
            defer { server.stop() }
            for connections in Self.serveConnections {
                let each = max(4, requestsPerConnection * 4 / connections)
                let (seconds, latencies) = try Self.drive(port: server.port, connections: connections, requests: each) { c, i in
                    ("POST", "/api/tasks", "{\"title\": \"Bench task \(label) \(connections) \(c)-\(i): renew the parking permit for the van\"}")
                }
                let key = "serve_post_\(label)_c\(connections)"
                throughput[key] = Double(latencies.count) / seconds
                report.add(key + "_tasks_s", Double(latencies.count) / seconds, "POST /api/tasks, \(label), \(connections) connections", unit: "tasks/s")
                report.add(key + "_p50_ms", Timing(samples: latencies).median, "  p50", unit: "ms")
                report.add(key + "_p99_ms", Timing(samples: latencies).percentile(0.99), "  p99", unit: "ms")
            }
            guard batching else { continue }
            for (key, path) in [("serve_list", "/api/tasks?limit=20"), ("serve_search", "/api/search?q=parking%20permit&limit=10")] {
                let (_, latencies) = try Self.drive(port: server.port, connections: 1, requests: 50) { _, _ in ("GET", path, nil) }
                report.add(key + "_p50_ms", Timing(samples: latencies).median, "GET \(path), 1 connection, p50", unit: "ms")
            }
        }
        try benchServeAtScale(&report)
        if let batched = throughput["serve_post_batched_c16"], let alone = throughput["serve_post_unbatched_c16"] {
            report.add("serve_batching_gain_c16", batched / alone, "dynamic batching: throughput at 16 connections, batched ÷ alone", unit: "×")
        }
    }

    /// Search and listing through HTTP over 100,000 tasks (the scale bench's database: synthetic
    /// vectors), a new query each time; and the server's peak RSS.
    func benchServeAtScale(_ report: inout BenchReport, size: Int = 100_000) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smart-todo-bench-serve-scale-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("tasks.sqlite")
        Console.error("serve: building \(size) tasks")
        try Self.buildScaleDatabase(at: db, size: size, embedder: try SentenceEmbedder(bundle: try openEmbeddingBundle(model)))
        let server = try ServedForBench(batching: true, database: db)
        defer { server.stop() }
        let (_, search) = try Self.drive(port: server.port, connections: 1, requests: 40) { _, i in ("GET", "/api/search?q=paperwork%20for%20the%20van%20\(i)&limit=10", nil) }
        report.add("serve_search_\(size)_p50_ms", Timing(samples: search).median, "GET /api/search over \(size) tasks, p50", unit: "ms")
        let (_, list) = try Self.drive(port: server.port, connections: 1, requests: 40) { _, _ in ("GET", "/api/tasks?limit=20", nil) }
        report.add("serve_list_\(size)_p50_ms", Timing(samples: list).median, "GET /api/tasks?limit=20 over \(size) tasks, p50", unit: "ms")
        if let rss = server.peakResidentMegabytes { report.add("serve_peak_rss_\(size)_mb", rss, "todo serve peak RSS with \(size) tasks", unit: "MiB") }
    }

    /// `connections` threads, each with its own kept-alive connection, sending `requests` requests;
    /// wall time and every request's latency in ms.
    static func drive(port: Int, connections: Int, requests: Int,
                      _ make: @escaping @Sendable (Int, Int) -> (String, String, String?)) throws -> (seconds: Double, latencies: [Double]) {
        let results = BenchResults()
        let group = DispatchGroup()
        let start = DispatchTime.now().uptimeNanoseconds
        for c in 0..<connections {
            group.enter()
            Thread {
                defer { group.leave() }
                do {
                    let http = try LoopbackHTTP(port: port)
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

/// A `todo serve --port 0` child on a fresh database, for the benchmark.
struct ServedForBench {
    let process = Process()
    let port: Int
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smart-todo-bench-serve-\(UUID().uuidString)")

    init(batching: Bool, database: URL? = nil) throws {
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let db = database ?? directory.appendingPathComponent("tasks.sqlite")
        process.arguments = ["serve", "--port", "0", "--db", db.path] + (batching ? [] : ["--no-batching"])
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
            throw CommandFailure("todo serve did not start")
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
