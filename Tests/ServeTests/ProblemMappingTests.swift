import TaskPostgres
@testable import TaskServer
import TaskService
import XCTest

/// The store's failures as HTTP answers: what running again may mend is a 503 with
/// Retry-After, what it will not is a 4xx naming the problem.
final class ProblemMappingTests: XCTestCase {
    private func problem(_ error: any Error) -> Problem { ProblemMiddleware<TaskRequestContext>.problem(for: error) }

    func testALockedOrUnreachableDatabaseIsWorthRetrying() {
        for error: any Error in [StoreError.busy(path: "/data/tasks.sqlite"), PostgresFailure.unreachable("postgres://db", "connection refused")] {
            let answer = problem(error)
            XCTAssertEqual(answer.status, .serviceUnavailable, "\(error)")
            XCTAssertEqual(answer.retryAfter, 1, "\(error)")
            XCTAssertFalse(answer.detail.contains("/data") || answer.detail.contains("postgres://"), "no path or address reaches a client: \(answer.detail)")
        }
    }

    func testAnUnknownTaskOrABadOneIsNot() {
        XCTAssertEqual(problem(StoreError.unknownTask(id: 7)).status, .notFound)
        XCTAssertEqual(problem(StoreError.invalid("title is empty")).status, .badRequest)
        XCTAssertNil(problem(StoreError.invalid("title is empty")).retryAfter)
    }
}
