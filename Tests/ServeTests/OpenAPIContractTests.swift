import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport
import XCTest

/// docs/openapi.json is the API's contract: every documented route and method exists on a
/// running server and answers with one of its documented statuses (with its documented
/// example body), and every documented status code is a real HTTP status.
final class OpenAPIContractTests: XCTestCase {
    func testEveryDocumentedRouteAnswersWithADocumentedStatus() async throws {
        let data = try Data(contentsOf: PackagePaths.root.appendingPathComponent("docs/openapi.json"))
        let spec = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(spec["openapi"] as? String, "3.1.0")
        let paths = try XCTUnwrap(spec["paths"] as? [String: [String: Any]])
        let server = try ServerProcess().start()
        defer { server.signal(SIGTERM); _ = server.waitForExit() }
        let client = HTTPTestClient(baseURL: server.baseURL)
        let created = try await client.post("/api/tasks", json: ["title": "Contract test task"])
        let id = try XCTUnwrap(created.json["id"] as? Int)

        var checked = 0
        // DELETE last: the other routes need the task.
        let operations = paths.flatMap { path, item in
            item.keys.filter { ["get", "post", "patch", "delete", "put"].contains($0) }.map { (path, $0) }
        }.sorted { ($0.1 == "delete" ? 1 : 0, $0.0, $0.1) < ($1.1 == "delete" ? 1 : 0, $1.0, $1.1) }
        for (path, method) in operations {
            let operation = try XCTUnwrap(paths[path]?[method] as? [String: Any])
            let documented = Set((operation["responses"] as? [String: Any] ?? [:]).keys.compactMap(Int.init))
            XCTAssertFalse(documented.isEmpty, "\(method) \(path) documents its statuses")
            var url = path.replacingOccurrences(of: "{id}", with: String(id))
            if let query = operation["x-example-query"] as? String { url += "?" + query }
            var body: Data?, type: String?
            if let content = (operation["requestBody"] as? [String: Any])?["content"] as? [String: [String: Any]], let (mediaType, media) = content.first {
                type = mediaType
                let example = media["example"]
                body = try example.map { $0 is String ? Data(($0 as! String).utf8) : try JSONSerialization.data(withJSONObject: $0) }
            }
            let status: Int
            if path == "/api/events" {
                // A stream: its head is the answer.
                let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: server.baseURL + url), timeout: .seconds(10))
                status = Int(response.status.code)
            } else {
                status = try await client.send(HTTPMethod(rawValue: method.uppercased()), url, body: body, contentType: type).status
            }
            XCTAssertTrue(documented.contains(status), "\(method.uppercased()) \(url) answered \(status), documented \(documented.sorted())")
            XCTAssertTrue(documented.allSatisfy { (100..<600).contains($0) })
            checked += 1
        }
        XCTAssertEqual(checked, 19, "every documented operation was called")
        // And no route answers that the contract does not name.
        let reply1 = try await client.send(.PUT, "/api/tasks/\(id)", body: Data("{}".utf8))
        XCTAssertEqual(reply1.status / 100, 4)
    }
}
