import Foundation
import TaskService

/// A model too large for an inline `todo add` (`ModelRegistry.enrichesInline`) enriches in a
/// background watcher: `todo enrich --watch --idle-exit`, detached from the terminal, which loads
/// the model once for a burst of adds and exits when the queue has been empty a few seconds.
/// The job is queued before it starts, so a watcher that dies, or never starts, loses nothing:
/// the next `todo enrich` finishes it.
enum BackgroundEnrichment {
    /// How long a background watcher waits with an empty queue before it exits.
    static let idleExit: Double = 3
    static let interval: Double = 0.2

    enum Outcome: Equatable {
        case started
        case alreadyWatching
        case failed(String)
    }

    /// Has task `id`'s queued job run in the background (`todo add`, `todo edit`); what to tell the user.
    static func run(_ id: Int64, session: EnrichmentSession, settings: SettingsOptions) -> String {
        let model = session.enricher.models.embeddingModel
        guard let database = session.store.location else { return "note: the AI fields are queued; run `todo enrich`" }
        // Not told apart: whether this machine has that model's vectors of the built-in examples
        // yet (reading and hashing the examples to know would cost the add a third of its time).
        switch start(database: database, settings: settings) {
        case .started: return "note: \(model) fills the AI fields in the background, in a moment (minutes the first time on a machine: it embeds the built-in examples first); `todo show \(id)` tells, --wait waits"
        case .alreadyWatching: return "note: the watcher at work on this queue fills the AI fields in a moment (`todo show \(id)`)"
        case .failed(let reason): return "note: the AI fields stay queued (a background `todo enrich` could not start: \(reason)); run `todo enrich`"
        }
    }

    /// Starts a watcher of `database` unless one watches it already. `settings` are passed on as
    /// given, so the watcher enriches with the model this command chose.
    static func start(database: URL, settings: SettingsOptions) -> Outcome {
        let lock = WatcherLock(database: database)
        if lock.isHeldElsewhere { return .alreadyWatching }
        var args = ["enrich", "--watch", "--idle-exit", "\(idleExit)", "--interval", "\(interval)", "--db", database.path]
        if let config = settings.config { args += ["--config", URL(fileURLWithPath: config).path] }
        if let model = settings.model { args += ["--model", model] }
        if let searchModel = settings.searchModel { args += ["--search-model", searchModel] }
        return spawnDetached(args)
    }

    /// This executable: /proc/self/exe, since argv[0] is a bare name when `todo` is found on PATH.
    static var executable: String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return n > 0 ? String(cString: buffer) : URL(fileURLWithPath: CommandLine.arguments[0]).path
    }

    /// In a session of its own (a closed terminal's hangup does not reach it), standard streams on
    /// /dev/null; its failures are the queue's to record (`todo stats`).
    private static func spawnDetached(_ args: [String]) -> Outcome {
        let path = executable
        let argv = ([path] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1, 2] { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
        // None of this process's other descriptors outlives it: its database's, or a pipe its
        // caller reads to the end (addclosefrom_np is not imported into Swift).
        for fd in openDescriptors() where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        let setsid: Int16 = 0x80  // POSIX_SPAWN_SETSID (glibc ≥ 2.26), not imported into Swift
        posix_spawnattr_setflags(&attributes, setsid)
        var pid: pid_t = 0
        let status = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        return status == 0 ? .started : .failed(String(cString: strerror(status)))
    }

    /// This process's open file descriptors, from /proc/self/fd (the directory's own descriptor,
    /// closed by then, is left out).
    private static func openDescriptors() -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return names.compactMap { Int32($0) }.filter { fcntl($0, F_GETFD) != -1 }
    }
}
