import Foundation

/// What a JSON decoder found wrong, in the input's own terms: a missing field, a field of the
/// wrong type, a value that is no JSON.
public struct DecodingProblem: Sendable {
    /// The field's path ("tags.0"); nil when the value as a whole is wrong.
    public var field: String?
    public var text: String

    /// Nil for an error that is not the decoder's.
    public init?(_ error: any Error) {
        func path(_ keys: [any CodingKey]) -> String { keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            let name = path(context.codingPath + [key])
            (field, text) = (name, "no \"\(name)\"")
        case .typeMismatch(let type, let context)?, .valueNotFound(let type, let context)?:
            guard !context.codingPath.isEmpty else { (field, text) = (nil, "not a JSON object"); return }
            let expected = type == String.self ? "a string" : type is any Numeric.Type ? "a number" : type == Bool.self ? "true or false"
                : String(describing: type).hasPrefix("Array") ? "an array" : "an object"
            let name = path(context.codingPath)
            (field, text) = (name, "\"\(name)\" must be \(expected)")
        case .dataCorrupted(let context)?:
            guard !context.codingPath.isEmpty else { (field, text) = (nil, "not valid JSON"); return }
            let name = path(context.codingPath)
            (field, text) = (name, "\"\(name)\" is not valid")
        default:
            return nil
        }
    }
}
