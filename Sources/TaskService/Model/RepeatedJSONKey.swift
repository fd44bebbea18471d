import Foundation

/// A field a JSON object gives twice. JSON parsers keep one of the two silently (the last, for
/// Foundation's), so `{"title": "a", "title": "b"}` would store "b" with no word said: a body or
/// a line that repeats a field is refused instead, naming it.
public enum RepeatedJSONKey {
    /// The first key the top-level object of `json` (valid JSON) repeats; nil when none does.
    public static func first(in json: some Collection<UInt8>) -> String? {
        let bytes = Array(json)
        var seen = Set<String>()
        var depth = 0
        var keyNext = false
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "{"):
                depth += 1
                keyNext = depth == 1
            case UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ",") where depth == 1:
                keyNext = true
            case UInt8(ascii: "\""):
                let start = i
                i += 1
                while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
                if depth == 1, keyNext {
                    keyNext = false
                    // The key as the parser reads it: escapes decoded ("t\u0069tle" is "title").
                    let literal = Data(bytes[start...min(i, bytes.count - 1)])
                    guard let key = (try? JSONSerialization.jsonObject(with: literal, options: .fragmentsAllowed)) as? String else { return nil }
                    if !seen.insert(key).inserted { return key }
                }
            default:
                break
            }
            i += 1
        }
        return nil
    }
}
