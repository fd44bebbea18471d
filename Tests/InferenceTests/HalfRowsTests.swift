import Testing
@testable import Inference

@Suite struct HalfRowsTests {
    /// Values binary16 holds exactly come back exactly; others within half a unit in the last place.
    @Test func encodeRoundsToTheNearestHalf() {
        let exact: [Float] = [0, 1, -2, 0.5, 1024, 65504, -0.000061035156, 3.140625]
        let inexact: [Float] = (0..<1000).map { Float($0) * 0.001234567 - 0.6 }
        for values in [exact, inexact] {
            var halves = [UInt16](repeating: 0, count: values.count), back = [Float](repeating: .nan, count: values.count)
            HalfRows.encode(values, into: &halves, count: values.count)
            HalfRows.decode(halves, into: &back, count: values.count)
            if values == exact { #expect(back == exact) }
            for (v, b) in zip(values, back) { #expect(abs(v - b) <= abs(v) * 0x1p-11 + 0x1p-25) }
        }
    }

    /// Dot products of a float query with half rows equal, to float rounding, the same products
    /// with the rows decoded: for widths with and without a tail of 8 and 16, and row counts on
    /// either side of the split across threads.
    @Test func dotEqualsTheDecodedProduct() {
        var seed: UInt64 = 7
        func next() -> Float { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Float(seed >> 40) / Float(1 << 24) - 0.5 }
        for (rows, width) in [(3, 13), (17, 384), (5000, 384), (700, 768)] {
            let query = (0..<width).map { _ in next() }
            let matrix = (0..<(rows * width)).map { _ in next() }
            var halves = [UInt16](repeating: 0, count: matrix.count), decoded = [Float](repeating: 0, count: matrix.count)
            HalfRows.encode(matrix, into: &halves, count: matrix.count)
            HalfRows.decode(halves, into: &decoded, count: matrix.count)
            var out = [Float](repeating: .nan, count: rows)
            HalfRows.dot(query, halves, into: &out, count: rows, dimension: width, lanes: 2)
            for r in 0..<rows {
                let exact = (0..<width).reduce(Double(0)) { $0 + Double(query[$1]) * Double(decoded[r * width + $1]) }
                let reference = (0..<width).reduce(Double(0)) { $0 + Double(query[$1]) * Double(matrix[r * width + $1]) }
                #expect(abs(Double(out[r]) - exact) < 1e-4)
                #expect(abs(Double(out[r]) - reference) < 2e-3)  // what storing at half precision costs
            }
        }
    }
}
