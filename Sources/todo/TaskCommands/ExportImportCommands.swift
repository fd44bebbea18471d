import ArgumentParser
import Foundation
import TaskService

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every task as JSON Lines: one task object per line, lossless.",
        discussion: """
        Ids, uuids, timestamps, AI provenance and deleted tasks are all kept, so \
        `todo import` restores the same tasks.

        Examples:
          todo export > backup.jsonl
          todo export --db old.sqlite | todo import - --db new.sqlite
        """
    )

    @OptionGroup var store: StoreOptions

    func run() throws {
        for t in try storeCall({ try store.open().allTasks() }) { Console.out(try JSONOutput.line(TaskOutput(t))) }
    }
}
