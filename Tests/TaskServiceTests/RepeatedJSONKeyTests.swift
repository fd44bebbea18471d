import Foundation
import TaskService
import Testing

/// A field given twice at the top of an object is found, however it is written; the same key
/// in nested objects, in values or in separate objects is no repetition.
@Suite struct RepeatedJSONKeyTests {
    func first(_ json: String) -> String? { RepeatedJSONKey.first(in: Array(json.utf8)) }

    @Test func aTopLevelKeyGivenTwiceIsNamed() {
        #expect(first(#"{"title": "a", "title": "b"}"#) == "title")
        #expect(first(#"{"title":"a","due":"friday","tags":["x"],"due":null}"#) == "due")
        #expect(first(#"{"title": "a", "t\u0069tle": "b"}"#) == "title", "an escaped spelling is the same key")
        #expect(first(#"{"title": "say \"title\": twice", "x": {"title": 1}}"#) == nil, "a value and a nested object are not the object's keys")
        #expect(first(#"{"a": [{"b": 1}, {"b": 2}], "b": 3}"#) == nil)
        #expect(first(#"{"a": "\\", "a": 2}"#) == "a", "an escaped backslash ends no string early")
        #expect(first(#"{}"#) == nil && first(#"{"title": "a"}"#) == nil)
    }
}
