import Foundation
import Testing
@testable import Tokenizers

/// Huge inputs: time grows linearly with length and repeated calls do not grow
/// memory. Not a speed test: the bounds only separate linear from quadratic
/// (a quadratic tokenizer takes 16× longer on 4× the input, this allows 8×).
@Suite(.serialized) struct ScalingTests {
    static func noSpaces(_ count: Int) -> String {
        var rng = SeededGenerator(seed: 7)
        let letters = Array("abcdefghijklmnopqrstuvwxyzéü".unicodeScalars)
        var s = String.UnicodeScalarView()
        for _ in 0..<count { s.append(letters[Int(rng.next() % UInt64(letters.count))]) }
        return String(s)
    }

    static func ordinaryText(bytes: Int) -> String {
        var rng = SeededGenerator(seed: 11)
        let words = "the quick brown fox jumps over lazy dogs while renewing a passport before Friday's trip, café, naïve 東京 42 % done".split(separator: " ")
        var out = ""
        out.reserveCapacity(bytes + 64)
        while out.utf8.count < bytes {
            out += words[Int(rng.next() % UInt64(words.count))]
            out += rng.next() % 13 == 0 ? ".\n" : " "
        }
        return out
    }

    /// Best of three runs of each, in seconds, the two taking turns: other suites run in
    /// parallel on a shared machine, and alternating exposes both inputs to the same
    /// contention, so the ratio measures the tokenizer rather than the neighbours.
    static func times(_ small: () throws -> Void, _ large: () throws -> Void) rethrows -> (small: Double, large: Double) {
        func once(_ body: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        var best = (small: Double.infinity, large: Double.infinity)
        for _ in 0..<3 {
            best.small = min(best.small, try once(small))
            best.large = min(best.large, try once(large))
        }
        return best
    }

    static func residentMegabytes() -> Double {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = Double(statm.split(separator: " ")[1]) else { return 0 }
        return pages * 4096 / 1_048_576
    }

    @Test(arguments: ["minilm", "roberta-style-bpe"])
    func megabyteWithoutSpacesIsLinear(name: String) throws {
        let tok = try Fixtures.tokenizer(name)
        let small = Self.noSpaces(250_000), large = Self.noSpaces(1_000_000)
        var count = 0
        let (tSmall, tLarge) = try Self.times({ count = try tok.encode(small).count }, { count = try tok.encode(large).count })
        #expect(count >= 3)
        #expect(tLarge < 8 * tSmall + 0.05, "250k: \(tSmall)s, 1M: \(tLarge)s")
    }

    @Test(arguments: ["minilm", "roberta-style-bpe"])
    func tenMegabytesOfTextIsLinearAndMemoryIsFlat(name: String) throws {
        let tok = try Fixtures.tokenizer(name)
        let small = Self.ordinaryText(bytes: 2_500_000), large = Self.ordinaryText(bytes: 10_000_000)
        var tokens = 0
        let (tSmall, tLarge) = try Self.times({ _ = try tok.encode(small) }, { tokens = try tok.encode(large).count })
        #expect(tokens > 2_000_000)
        #expect(tLarge < 8 * tSmall + 0.05, "2.5 MB: \(tSmall)s, 10 MB: \(tLarge)s")
        // Repeated calls keep nothing: retaining even one encoding of this text would hold
        // ~150 MB per call (450 MB over three). RSS is process-wide and other suites run in
        // parallel, so the bound leaves room for their noise but not for a per-call leak.
        _ = try tok.encode(large)
        let before = Self.residentMegabytes()
        for _ in 0..<3 { _ = try tok.encode(large) }
        let growth = Self.residentMegabytes() - before
        #expect(growth < 200, "resident memory grew \(growth) MB over 3 repeated 10 MB encodes")
        if let bpe = tok.model as? BytePairEncoding {
            #expect(bpe.cachedWordCount <= BytePairEncoding.WordCache.capacity)
        }
    }
}
