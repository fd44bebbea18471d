import Foundation
import TestSupport
@testable import Tokenizers

/// Golden files written by Tools/reference/generate_tokenizer_fixtures.py.
/// Read with JSONDecoder: JSONSerialization on Linux drops U+FEFF from strings.
enum Fixtures {
    static let directory = PackagePaths.fixtures("TokenizersTests")

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func tokenizer(_ name: String) throws -> Tokenizer { try Tokenizer.load(from: path(name)) }

    /// Every line of a JSON Lines fixture, decoded as `T`.
    static func lines<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> [T] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        let decoder = JSONDecoder()
        return try data.split(separator: UInt8(ascii: "\n")).map { try decoder.decode(T.self, from: Data($0)) }
    }
}

/// One golden encoding.
struct EncodingFixture: Decodable {
    var text: String
    var pair: String?
    var ids: [Int]
    var tokens: [String]
    var type_ids: [Int]
    var attention_mask: [Int]
    var offsets: [[Int]]

    var tokenOffsets: [TokenOffset] { offsets.map { TokenOffset(start: $0[0], end: $0[1]) } }
}

/// A readable account of one mismatching fixture.
func describeMismatch(_ what: String, text: String, pair: String?, expected: Any, actual: Any) -> String {
    "\(what) differ for text \(String(reflecting: text))" + (pair.map { " pair \(String(reflecting: $0))" } ?? "")
        + "\n  expected \(expected)\n  actual   \(actual)"
}
