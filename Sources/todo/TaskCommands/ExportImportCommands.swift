import ArgumentParser
import Foundation
import TaskPostgres
import TaskService

struct ExportCommand: AsyncParsableCommand {
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

    func run() async throws {
        // An account's tasks a page at a time, each printed as it comes.
        let exported = try await store.onPostgres { tasks in
            try await tasks.forEachExportPage { page in
                for t in page { Console.out(try JSONOutput.line(TaskOutput(t))) }
            }
        }
        guard exported == nil else { return }
        for t in try storeCall({ try store.open(mustExist: true).allTasks() }) { Console.out(try JSONOutput.line(TaskOutput(t))) }
    }
}
