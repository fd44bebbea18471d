import ArgumentParser
import Foundation
import TaskService

struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "The AI result cache in the task database: stats or clear.",
        discussion: """
        Results are keyed by sha256 over the model's fingerprint, the operation, its \
        parameters and the normalised text, so a new model or setting never sees an old \
        answer. Clearing only costs recomputation; tasks are untouched.

        Examples:
          todo cache stats
          todo cache clear --json
        """
    )

    @Argument(help: "stats or clear.") var action: String
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard ["stats", "clear"].contains(action) else { throw ValidationError("Unknown action '\(action)'; use `todo cache stats` or `todo cache clear`.") }
    }

    func run() throws {
        let cache = ResultCache(store: try store.open())
        if action == "clear" {
            let removed = try storeCall { try cache.clear() }
            Console.out(json ? try JSONOutput.line(["removed": removed]) : "Removed \(removed) cached result(s).")
            return
        }
        let s = try storeCall { try cache.statistics() }
        if json { Console.out(try JSONOutput.line(s)); return }
        Console.out("\(s.entries) entries, \(s.bytes / 1024) KiB, \(s.hits) hits")
        for (op, n) in s.byOperation.sorted(by: { $0.key < $1.key }) { Console.out("  \(op): \(n)") }
    }
}
