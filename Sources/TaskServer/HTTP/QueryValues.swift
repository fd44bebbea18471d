import Foundation
import Hummingbird

/// A request's query parameters, each read by name with a `Problem` naming it when unreadable;
/// a parameter the route does not take is refused (a typo must not silently widen a listing),
/// and so is one given twice (`limit=2&limit=3`: which was meant?), as a body's repeated field is.
struct QueryValues {
    private let parameters: [String: String]

    init(_ request: Request, allowed: Set<String>) throws {
        var values: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            let name = String(key)
            guard allowed.contains(name) else {
                throw Problem(.badRequest, "Unknown parameter", detail: "this route takes no parameter \(name.prefix(64)) (it takes: \(allowed.sorted().joined(separator: ", ")))",
                              field: String(name.prefix(64)))
            }
            guard values.updateValue(String(value), forKey: name) == nil else {
                throw Problem(.badRequest, "Repeated parameter", detail: "\(name) is given twice; give each parameter once", field: name)
            }
        }
        parameters = values
    }

    func string(_ name: String) -> String? { parameters[name] }

    func int(_ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = parameters[name] else { return value }
        guard let n = Int(text), range.contains(n) else { throw Problem.invalid(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)") }
        return n
    }

    func float(_ name: String, default value: Float, in range: ClosedRange<Float>) throws -> Float {
        guard let text = parameters[name] else { return value }
        guard let n = Float(text), n.isFinite, range.contains(n) else { throw Problem.invalid(name, "must be a number from \(range.lowerBound) to \(range.upperBound)") }
        return n
    }

    func bool(_ name: String) throws -> Bool {
        guard let text = parameters[name] else { return false }
        switch text {
        case "true", "1", "": return true
        case "false", "0": return false
        default: throw Problem.invalid(name, "must be true or false")
        }
    }
}

/// The `{id}` of a task route.
enum TaskID {
    static func of(_ context: some RequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id >= 1 else {
            throw Problem.invalid("id", "must be a task id, a whole number from 1")
        }
        return id
    }
}
