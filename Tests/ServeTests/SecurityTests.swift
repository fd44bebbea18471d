import AsyncHTTPClient
import Foundation
import TestSupport
import XCTest

/// The bearer token, and the refusal to listen beyond loopback without one.
final class SecurityTests: XCTestCase {
    func testWithATokenEveryAPIRouteNeedsIt() async throws {
        let server = try ServerProcess(arguments: ["--token", "s3cret-token"]).start()
        defer { server.signal(SIGTERM); _ = server.waitForExit() }
        let anonymous = HTTPTestClient(baseURL: server.baseURL)
        let refused = try await anonymous.get("/api/tasks")
        XCTAssertEqual(refused.status, 401)
        XCTAssertEqual(refused.header("Content-Type"), "application/problem+json")
        XCTAssertEqual(refused.header("WWW-Authenticate"), "Bearer")
        let reply1 = try await anonymous.get("/api/events")
        XCTAssertEqual(reply1.status, 401)
        var wrong = anonymous
        wrong.token = "s3cret-tokem"
        let reply2 = try await wrong.post("/api/tasks", json: ["title": "x"])
        XCTAssertEqual(reply2.status, 401)
        XCTAssertTrue(reply2.text.contains("the bearer token is not this server's"), "a wrong token is told apart from none: \(reply2.text)")
        var right = anonymous
        right.token = "s3cret-token"
        let reply3 = try await right.get("/api/tasks")
        XCTAssertEqual(reply3.status, 200)
        // The scheme's name in any case (RFC 9110).
        let lower = try await anonymous.send(.GET, "/api/tasks", headers: [("Authorization", "bearer s3cret-token")])
        XCTAssertEqual(lower.status, 200, lower.text)
        let reply4 = try await anonymous.get("/healthz")
        XCTAssertEqual(reply4.status, 200, "probes stay open")
        // A browser's EventSource cannot send a header: the stream takes the token as a parameter.
        let stream = try await HTTPClient.shared.execute(HTTPClientRequest(url: server.baseURL + "/api/events?access_token=s3cret-token"), timeout: .seconds(10))
        XCTAssertEqual(stream.status.code, 200)
        let wrongStream = try await anonymous.get("/api/events?access_token=nope")
        XCTAssertEqual(wrongStream.status, 401)
        let notForOtherRoutes = try await anonymous.get("/api/tasks?access_token=s3cret-token")
        XCTAssertEqual(notForOtherRoutes.status, 401, "only the event stream takes the token as a parameter")
    }

    func testANonLoopbackAddressWithoutATokenIsRefused() throws {
        let run = try TodoCLI().todo(["serve", "--host", "0.0.0.0", "--port", "0"], environment: ["SMART_TODO_TOKEN": ""])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.err.contains("refusing to listen on 0.0.0.0 without a token"), run.err)
        XCTAssertEqual(run.out, "", "never printed that it listens")
    }

    func testLoopbackInBracketsIsLoopbackAndAnEmptyHostIsRefused() throws {
        let bracketed = try ServerProcess(arguments: ["--host", "[::1]"]).start()
        XCTAssertTrue(bracketed.baseURL.hasPrefix("http://[::1]:"), bracketed.baseURL)
        bracketed.signal(SIGTERM)
        XCTAssertEqual(bracketed.waitForExit(), 0)
        let empty = try TodoCLI().todo(["serve", "--host", "", "--port", "0"], environment: ["SMART_TODO_TOKEN": ""])
        XCTAssertNotEqual(empty.status, 0)
        XCTAssertTrue(empty.err.contains("the --host is empty"), empty.err)
    }

    func testAPortInUseIsSaidPlainly() throws {
        let server = try ServerProcess().start()
        defer { server.signal(SIGTERM); _ = server.waitForExit() }
        let port = String(server.baseURL.split(separator: ":").last!)
        let cli = TodoCLI()
        let run = try cli.todo(["serve", "--port", port], environment: ["SMART_TODO_WEIGHTS": PackagePaths.weights.path])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.err.contains("127.0.0.1:\(port) is already in use"), run.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.db), "said before the database, the model and the index were opened")
    }
}
