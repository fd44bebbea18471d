import ArgumentParser
import Foundation
import TaskService

struct UndoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Revert the last command that changed tasks, as a whole.",
        discussion: """
        add, edit, done, reopen, delete, import and enrich can be undone; repeat to go further \
        back (the last 100 commands are kept). An undone add deletes the task (its id \
        is not reused). A change made through `todo serve` (its web page or API) is a step \
        too, named by its request ("DELETE /api/tasks/12 (todo serve)"); the AI fields the \
        service fills in are not. On PostgreSQL (--user NAME) each account has its own history.

        Examples:
          todo undo
          todo undo --json
        """
    )

    @Flag(help: "Print {command, tasks} as JSON.") var json = false
    @Flag(help: "Undo even if a task changed after the command (from the server, another process): that change is lost.") var force = false
    @OptionGroup var store: StoreOptions

    struct Output: Encodable {
        var command: String
        var tasks: [TaskOutput]
    }

    func run() async throws {
        let force = self.force
        let onAccount = try await store.onPostgres { try await $0.undo(force: force) }
        guard let undone = try onAccount ?? storeCall({ try UndoLog(store: store.open(mustExist: true)).undo(force: force) }) else {
            throw CommandFailure("Nothing to undo.")
        }
        if json {
            Console.out(try JSONOutput.line(Output(command: undone.command, tasks: undone.tasks.map(TaskOutput.init))))
        } else {
            Console.out("Undid: \(undone.command)")
            undone.tasks.forEach { Console.out("  " + TaskText.line($0) + ($0.status == .deleted ? "  (removed)" : "")) }
        }
    }
}
