import Foundation
import JSONReader

/// Typed access to a parsed JSON object that names the file and the field path
/// in every error, so a broken tokenizer file says exactly where it is broken.
struct JSONFields {
    let object: [String: JSONValue]
    let path: String
    let field: String

    init(_ object: [String: JSONValue], path: String, field: String = "") {
        self.object = object
        self.path = path
        self.field = field
    }

    static func parse(_ data: Data, path: String, skipping: [String] = []) throws -> JSONFields {
        guard !data.isEmpty else { throw TokenizerError.malformedJSON(path: path, detail: "the file is empty") }
        let value: JSONValue
        do {
            value = try JSONParser.parse(data, skipping: skipping)
        } catch let problem as JSONParser.Problem {
            throw TokenizerError.malformedJSON(path: path, detail: problem.description)
        }
        guard let object = value.object else {
            throw TokenizerError.malformedJSON(path: path, detail: "the top level is not an object")
        }
        return JSONFields(object, path: path)
    }

    func name(_ key: String) -> String { field.isEmpty ? key : "\(field).\(key)" }

    func has(_ key: String) -> Bool { object[key].map { !$0.isNull } ?? false }

    private func missing(_ key: String) -> TokenizerError { .missingField(path: path, field: name(key)) }

    func string(_ key: String) throws -> String {
        guard let v = object[key]?.string else { throw missing(key) }
        return v
    }

    func optionalString(_ key: String) throws -> String? { has(key) ? try string(key) : nil }

    func int(_ key: String) throws -> Int {
        guard let n = object[key]?.int else { throw missing(key) }
        return n
    }

    func optionalInt(_ key: String) throws -> Int? { has(key) ? try int(key) : nil }

    func bool(_ key: String, default value: Bool) throws -> Bool {
        guard has(key) else { return value }
        guard let b = object[key]?.bool else { throw missing(key) }
        return b
    }

    func optionalBool(_ key: String) throws -> Bool? { has(key) ? try bool(key, default: false) : nil }

    func object(_ key: String) throws -> JSONFields {
        guard let o = object[key]?.object else { throw missing(key) }
        return JSONFields(o, path: path, field: name(key))
    }

    func optionalObject(_ key: String) throws -> JSONFields? { has(key) ? try object(key) : nil }

    func array(_ key: String) throws -> [JSONValue] {
        guard let a = object[key]?.array else { throw missing(key) }
        return a
    }

    func objects(_ key: String) throws -> [JSONFields] {
        try array(key).enumerated().map { i, v in
            guard let o = v.object else { throw TokenizerError.missingField(path: path, field: "\(name(key))[\(i)]") }
            return JSONFields(o, path: path, field: "\(name(key))[\(i)]")
        }
    }
}
