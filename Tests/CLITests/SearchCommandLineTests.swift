import Foundation
import TestSupport
import Testing

/// A search answers at once from what is indexed: a long text waiting in the queue is left to
/// `todo enrich`, and the search says how many tasks it could not look at.
@Suite struct SearchAnswersAtOnceTests {
    @Test func longQueuedTextsWaitAndAreCounted() throws {
        let cli = TodoCLI()
        let env = ["SMART_TODO_WEIGHTS": PackagePaths.weights.path]
        #expect(try cli.todo(["add", "Renew the passport"], environment: env).status == 0)
        let long = String(repeating: "The quarterly planning notes go on about budgets and hiring. ", count: 3_500)  // ~210 KB
        #expect(try cli.todo(["add", "Meeting notes", "--description", "-", "--async"], stdin: Data(long.utf8), environment: env).status == 0)
        let started = Date()
        let search = try cli.todo(["search", "travel documents"], environment: env)
        #expect(Date().timeIntervalSince(started) < 10, "a 200 KB text is not embedded by search")
        #expect(search.status == 0 && search.out.contains("Renew the passport"), "\(search.out)")
        #expect(search.err.contains("note: 1 task is not searchable yet"), "\(search.err)")
        let similar = try cli.todo(["similar", "2"], environment: env)
        #expect(similar.status == 1 && similar.err.contains("task 2 is not in the search index yet"), "\(similar.err)")
        // `todo enrich` indexes it (windows of the long text), and then it is found.
        #expect(try cli.todo(["enrich"], environment: env).status == 0)
        let after = try cli.todo(["search", "quarterly budget planning"], environment: env)
        #expect(after.out.contains("Meeting notes") && !after.err.contains("not searchable"), "\(after.out)\(after.err)")
    }
}
