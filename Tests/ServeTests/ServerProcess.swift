import Foundation
import TestSupport
import XCTest

/// A `todo serve` process on loopback, port 0, its own database in a temporary folder: started,
/// waited for until it prints its address, stopped by signal.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let database: String
    private(set) var baseURL = ""
    private let output = Pipe(), errors = Pipe()
    private let errorText = LockedText()

    /// How long a server may take to load the model and the index and start listening.
    static let startTimeout: TimeInterval = 60

    init(database: String? = nil, arguments: [String] = []) throws {
        self.database = database ?? FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString)/tasks.sqlite").path
        process.executableURL = TodoCLI.binary
        process.arguments = ["serve", "--port", "0", "--db", self.database] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["SMART_TODO_WEIGHTS": PackagePaths.weights.path]) { $1 }
        process.standardOutput = output
        process.standardError = errors
    }

    /// Reads the server's standard error into `errorText` until it ends: blocking reads on a
    /// thread of its own, from a duplicate of the pipe's descriptor that only that thread closes.
    /// Not `FileHandle.readabilityHandler`: tearing its dispatch read source down now and then
    /// crashes libdispatch's event loop on Linux (SIGSEGV in `_dispatch_event_loop_drain`,
    /// swift-corelibs-libdispatch issue 949), which took the whole XCTest process down in CI.
    private func readErrors() {
        let fd = dup(errors.fileHandleForReading.fileDescriptor)
        guard fd >= 0 else { return }
        let text = errorText
        Thread.detachNewThread {
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n > 0 { text.append(Data(buffer[0..<n])) } else if n < 0 && errno == EINTR { continue } else { return }
            }
        }
    }

    /// Starts the process and waits for `listening on http://HOST:PORT`.
    @discardableResult
    func start() throws -> ServerProcess {
        try process.run()
        readErrors()
        let deadline = Date().addingTimeInterval(Self.startTimeout)
        var line = Data()
        let handle = output.fileHandleForReading
        while Date() < deadline && process.isRunning {
            let byte = handle.readData(ofLength: 1)
            if byte.isEmpty { break }
            if byte == Data([0x0A]) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("listening on http://") else {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            throw ServeTestError("server did not start: stdout \(text.debugDescription), stderr \(errorText.value.suffix(2000))")
        }
        baseURL = String(text.dropFirst("listening on ".count))
        return self
    }

    var stderr: String { errorText.value }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the process to end (at most `timeout` seconds); its exit status, nil if still running.
    func waitForExit(timeout: TimeInterval = 30) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// SIGKILL and wait: what a crash or the OOM killer does.
    func kill9() {
        signal(SIGKILL)
        _ = waitForExit()
    }

    deinit {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
    }
}

final class LockedText: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ more: Data) { lock.lock(); data.append(more); lock.unlock() }
    var value: String { lock.lock(); defer { lock.unlock() }; return String(decoding: data, as: UTF8.self) }
}

struct ServeTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
