import ArgumentParser
import TaskPostgres
import TaskService

/// The exit statuses a script can act on. 0 is success, 64 a malformed command line
/// (ArgumentParser's); every other failure is 1 — an unknown task, bad input, a database that
/// is not one — unless it is one of these.
enum ExitStatus: Int32 {
    /// A value the command line gave that cannot be read (a date), found after parsing: the
    /// status ArgumentParser gives every other malformed option (sysexits' EX_USAGE).
    case usage = 64
    /// Some of the work failed and the rest was done (`todo enrich`: the failures are listed).
    case partlyDone = 2
    /// The database could not be reached, or stayed locked by another writer: nothing was
    /// changed, and the same command may succeed when run again (sysexits' EX_TEMPFAIL).
    case tryAgain = 75

    var exitCode: ExitCode { ExitCode(rawValue) }
}

extension CommandFailure {
    /// The store's failure, said as it says it, with the status its kind calls for.
    init(_ error: StoreError) {
        if case .busy = error { self.init(error.description, status: .tryAgain) } else { self.init(error.description) }
    }

    init(_ error: PostgresFailure) {
        if case .unreachable = error { self.init(error.description, status: .tryAgain) } else { self.init(error.description) }
    }
}
