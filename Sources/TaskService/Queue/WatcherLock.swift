import Foundation

/// The lock a queue watcher of a SQLite database (`todo enrich --watch`, `todo serve`'s worker)
/// holds while it watches: `todo add` starts a background watcher only when nobody holds it.
/// A file beside the database, locked with flock: SQLite's own locks are fcntl's, which closing
/// any descriptor of the database file would drop, so never the database file itself.
public final class WatcherLock {
    public let url: URL
    private var descriptor: Int32 = -1

    public init(database: URL) {
        url = URL(fileURLWithPath: database.path + "-enrich.lock")
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Takes the lock when it is free; false when another process holds it (or the file cannot be made).
    public func tryLock() -> Bool {
        if descriptor < 0 { descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600) }
        return descriptor >= 0 && flock(descriptor, LOCK_EX | LOCK_NB) == 0
    }

    public func unlock() {
        if descriptor >= 0 { flock(descriptor, LOCK_UN) }
    }

    /// Whether a watcher holds the lock now (this process does not). No lock file: no watcher
    /// ever ran here, and none is made by asking (`todo show` may read a database it cannot write).
    public var isHeldElsewhere: Bool {
        if descriptor < 0 { descriptor = open(url.path, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else { return false }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { return true }
        unlock()
        return false
    }
}
