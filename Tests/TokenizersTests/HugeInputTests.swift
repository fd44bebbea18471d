import Foundation
import Testing
@testable import Tokenizers
import SeededRandom

/// Huge inputs: whole, and repeated calls do not grow memory. (That time grows linearly with
/// the length is measured by `todo bench --only tokenizer`, not here: wall-clock ratios in a
/// unit suite fail when other suites run beside them.)
@Suite(.serialized) struct HugeInputTests {
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

    static func residentMegabytes() -> Double {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = Double(statm.split(separator: " ")[1]) else { return 0 }
        return pages * 4096 / 1_048_576
    }

    @Test(arguments: ["minilm", "roberta-style-bpe"])
    func aMegabyteWithoutSpacesIsEncoded(name: String) throws {
        let tok = try Fixtures.tokenizer(name)
        // One word of a million characters: WordPiece gives [UNK] for words over 100 characters, BPE splits it whole.
        let count = try tok.encode(Self.noSpaces(1_000_000)).count
        #expect(count >= 3, "\(count) tokens")
    }

    @Test(arguments: ["minilm", "roberta-style-bpe"])
    func tenMegabytesOfTextAreEncodedAndMemoryIsFlat(name: String) throws {
        let tok = try Fixtures.tokenizer(name)
        let large = Self.ordinaryText(bytes: 10_000_000)
        let tokens = try tok.encode(large).count
        #expect(tokens > 2_000_000)
        // Repeated calls keep nothing: retaining even one encoding of this text would hold
        // ~150 MB per call (450 MB over three). RSS is process-wide and other suites run in
        // parallel, so the bound leaves room for their noise but not for a per-call leak.
        let before = Self.residentMegabytes()
        for _ in 0..<3 { _ = try tok.encode(large) }
        let growth = Self.residentMegabytes() - before
        #expect(growth < 200, "resident memory grew \(growth) MB over 3 repeated 10 MB encodes")
        if let bpe = tok.model as? BytePairEncoding {
            #expect(bpe.cachedWordCount <= BytePairEncoding.WordCache.capacity)
        }
    }
}
