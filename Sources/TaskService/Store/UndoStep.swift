import Foundation

/// Where a change goes in `todo undo`'s history: the name `todo undo` says it undid, and the
/// batch of entries undone together as one step.
public struct UndoStep: Sendable, Equatable {
    /// What `todo undo` says it undid: a command line, or a request to `todo serve`.
    public let command: String
    /// Entries of one batch are undone together.
    public let batch: String

    /// A command of this process (`todo done 3 4`): everything it records is one step, however
    /// many transactions it takes.
    public init(command: String) {
        self.init(command: command, batch: UndoLog.process + " " + command)
    }

    private init(command: String, batch: String) {
        self.command = command
        self.batch = batch
    }

    /// One request to `todo serve`: a step of its own, so that a task deleted on the web page
    /// comes back with `todo undo` like one deleted from a shell.
    public static func request(_ request: ServiceRequest) -> UndoStep {
        UndoStep(command: request.line + " (todo serve)", batch: UUID().uuidString)
    }
}

/// A literal names a command of this process: `undo: "todo done 3"`.
extension UndoStep: ExpressibleByStringLiteral {
    public init(stringLiteral command: String) { self.init(command: command) }
}

/// The service's requests that change tasks, as `todo undo` names them.
public enum ServiceRequest: Sendable, Equatable {
    case add, edit(Int64), done(Int64), reopen(Int64), delete(Int64), importTasks

    /// The request's method and path.
    public var line: String {
        switch self {
        case .add: "POST /api/tasks"
        case .edit(let id): "PATCH /api/tasks/\(id)"
        case .done(let id): "POST /api/tasks/\(id)/done"
        case .reopen(let id): "POST /api/tasks/\(id)/reopen"
        case .delete(let id): "DELETE /api/tasks/\(id)"
        case .importTasks: "POST /api/import"
        }
    }
}

/// Which changes a repository records for `todo undo`, and under what step.
public enum UndoRecording: Sendable, Equatable {
    /// None (a tool's own writes).
    case off
    /// All under one command of this process (the CLI on an account: `todo done 3 --user alice`).
    case command(UndoStep)
    /// Each request a step of its own (`todo serve`).
    case eachRequest

    /// The step the change `request` is recorded under, if any.
    public func step(_ request: ServiceRequest) -> UndoStep? {
        switch self {
        case .off: nil
        case .command(let step): step
        case .eachRequest: .request(request)
        }
    }
}
