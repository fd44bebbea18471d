import Foundation
import JSONReader
import Testing
@testable import Tokenizers

/// Truncation strategies, strides, overflow and padding, against the reference.
@Suite struct TruncationTests {
    struct Row: Decodable {
        var tokenizer: String
        var text: String?
        var pair: String?
        var strategy: String?
        var max_length: Int?
        var stride: Int?
        var error: String?
        var ids: JSONValue?
        var type_ids: JSONValue?
        var offsets: [[Int]]?
        var overflowing: [[Int]]?
        var batch: [String]?
        var pad_to_multiple_of: Int?
        var attention_mask: [[Int]]?
    }

    static func ints(_ v: JSONValue?) -> [Int] { v?.array?.compactMap(\.int) ?? [] }
    static func intRows(_ v: JSONValue?) -> [[Int]] { v?.array?.map { $0.array?.compactMap(\.int) ?? [] } ?? [] }

    @Test func matchesReference() throws {
        let tokenizers = ["minilm": try Fixtures.tokenizer("minilm"), "roberta-style-bpe": try Fixtures.tokenizer("roberta-style-bpe")]
        let rows = try Fixtures.lines("truncation.jsonl", as: Row.self)
        var checked = 0, errors = 0, overflowChecked = 0
        for row in rows where row.batch == nil {
            var tok = tokenizers[row.tokenizer]!
            tok.truncation = Truncation(maxLength: row.max_length!, strategy: Truncation.Strategy(rawValue: row.strategy!)!, stride: row.stride!)
            let context = "\(row.tokenizer) \(row.strategy!) max \(row.max_length!) stride \(row.stride!) text \(String(reflecting: row.text!)) pair \(String(describing: row.pair))"
            if row.error != nil {
                #expect(throws: TokenizerError.self, "reference refused: \(row.error!) — \(context)") { try tok.encode(row.text!, pair: row.pair) }
                errors += 1
                continue
            }
            let e = try tok.encode(row.text!, pair: row.pair)
            #expect(e.ids == Self.ints(row.ids), "\(context)")
            #expect(e.typeIds == Self.ints(row.type_ids), "\(context)")
            #expect(e.offsets.map { [$0.start, $0.end] } == row.offsets!, "\(context)")
            if let overflowing = row.overflowing {
                #expect(e.overflowing.map(\.ids) == overflowing, "\(context)")
                overflowChecked += 1
            }
            checked += 1
        }
        #expect(checked >= 80 && errors >= 100 && overflowChecked >= 25, "fixture coverage: \(checked) encoded, \(errors) refused, \(overflowChecked) with overflow")
    }

    @Test func padsBatchesLikeReference() throws {
        for row in try Fixtures.lines("truncation.jsonl", as: Row.self) where row.batch != nil {
            var tok = try Fixtures.tokenizer(row.tokenizer)
            let padToken = row.tokenizer == "minilm" ? "[PAD]" : "<pad>"
            tok.padding = Padding(length: .longest, padToMultipleOf: row.pad_to_multiple_of, padId: tok.id(of: padToken)!, padToken: padToken)
            let encoded = try tok.encodeBatch(row.batch!.map { ($0, nil) })
            #expect(encoded.map(\.ids) == Self.intRows(row.ids))
            #expect(encoded.map(\.attentionMask) == row.attention_mask!)
            #expect(encoded.map(\.typeIds) == Self.intRows(row.type_ids))
        }
    }

    @Test func reportsWhatItDropped() throws {
        var tok = try Fixtures.tokenizer("minilm")
        let full = try tok.encode("one two three four five six seven")
        tok.truncation = Truncation(maxLength: 5)
        let cut = try tok.encode("one two three four five six seven")
        #expect(cut.count == 5)
        #expect(cut.truncatedTokenCount == full.count - 5)
        // The overflow holds every dropped token: nothing disappears silently.
        let kept = Set(cut.ids), overflow = cut.overflowing.flatMap(\.ids)
        for id in full.ids where !kept.contains(id) { #expect(overflow.contains(id)) }
    }
}

@Suite struct TokenWindowTests {
    @Test func shortSequenceIsOneWindow() throws {
        #expect(try TokenWindows.ranges(count: 0, width: 254) == [0..<0])
        #expect(try TokenWindows.ranges(count: 254, width: 254) == [0..<254])
    }

    @Test func followsTheRuleExactly() throws {
        // W = 254, S = 127: starts 0, 127, 254, …; stop at the first window reaching the end.
        #expect(try TokenWindows.ranges(count: 255, width: 254) == [0..<254, 127..<255])
        #expect(try TokenWindows.ranges(count: 381, width: 254) == [0..<254, 127..<381])
        #expect(try TokenWindows.ranges(count: 382, width: 254) == [0..<254, 127..<381, 254..<382])
        #expect(try TokenWindows.ranges(count: 10, width: 5) == [0..<5, 2..<7, 4..<9, 6..<10])
    }

    @Test func everyTokenIsCoveredAndStepIsHalfTheWidth() throws {
        for width in [2, 3, 7, 254] {
            for count in [1, width, width + 1, 5 * width + 3] {
                let windows = try TokenWindows.ranges(count: count, width: width)
                #expect(windows.first?.lowerBound == 0 && windows.last?.upperBound == count)
                for (a, b) in zip(windows, windows.dropFirst()) {
                    #expect(b.lowerBound - a.lowerBound == width / 2)
                    #expect(a.upperBound >= b.lowerBound)
                }
                #expect(windows.allSatisfy { $0.count <= width })
                #expect(windows.dropLast().allSatisfy { $0.upperBound < count })
            }
        }
    }

    @Test func rejectsWindowsTooNarrow() {
        #expect(throws: TokenizerError.self) { try TokenWindows.ranges(count: 10, width: 1) }
    }

    @Test func encodesWindowsWithSpecialTokens() throws {
        let tok = try Fixtures.tokenizer("minilm")
        let text = (1...300).map { "word\($0)" }.joined(separator: " ")
        let content = tok.encodeContent(text)
        let windows = try tok.encodeWindows(text, maxLength: 256)
        let expected = try TokenWindows.ranges(count: content.count, width: 254)
        #expect(windows.count == expected.count && windows.count > 1)
        for (w, r) in zip(windows, expected) {
            #expect(w.ids.first == tok.id(of: "[CLS]") && w.ids.last == tok.id(of: "[SEP]"))
            #expect(Array(w.ids.dropFirst().dropLast()) == Array(content.ids[r]))
            #expect(w.count <= 256)
        }
    }
}
