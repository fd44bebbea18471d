import Foundation
import Testing
@testable import Inference
import Kernels
import Tokenizers
import SeededRandom

/// Ops on hand-computed values and invariants.
@Suite struct OpsTests {
    @Test func layerNormByHand() {
        // Row [1, 2, 3, 4]: mean 2.5, biased variance 1.25.
        var x = Matrix(rows: 1, columns: 4, values: [1, 2, 3, 4])
        let gamma: [Float] = [1, 1, 2, 2], beta: [Float] = [0, 0, 0, 1]
        LayerNorm.normalize(&x, residual: nil, weight: gamma, bias: beta, epsilon: 0)
        let s = 1 / Float(1.25).squareRoot()
        let expected: [Float] = [-1.5 * s, -0.5 * s, 2 * 0.5 * s, 2 * 1.5 * s + 1]
        for (a, b) in zip(x.values, expected) { #expect(abs(a - b) < 1e-6) }
    }

    @Test func layerNormAddsTheResidualFirst() {
        var x = Matrix(rows: 2, columns: 3, values: [1, 0, 0, 5, 5, 5])
        let residual = Matrix(rows: 2, columns: 3, values: [0, 1, 2, 0, 1, 2])
        var summed = Matrix(rows: 2, columns: 3, values: [1, 1, 2, 5, 6, 7])
        let ones: [Float] = [1, 1, 1], zeros: [Float] = [0, 0, 0]
        LayerNorm.normalize(&x, residual: residual, weight: ones, bias: zeros, epsilon: 1e-5)
        LayerNorm.normalize(&summed, residual: nil, weight: ones, bias: zeros, epsilon: 1e-5)
        #expect(x == summed)
        // Invariant: each normalized row has mean 0.
        #expect(abs(x.row(1).reduce(0, +)) < 1e-5)
    }

    @Test func layerNormSplitOverThreadsEqualsOneThread() {
        let rows = 3 * EngineThreads.elementsPerLane / 64 + 1, n = 64
        let input = Matrix(rows: rows, columns: n, values: (0..<rows * n).map { Float($0 % 389) / 7 - 20 })
        let residual = Matrix(rows: rows, columns: n, values: (0..<rows * n).map { Float($0 % 13) })
        let gamma = (0..<n).map { 1 + Float($0) / 64 }, beta = (0..<n).map { Float($0) / 32 }
        var one = input, split = input
        LayerNorm.normalize(&one, residual: residual, weight: gamma, bias: beta, epsilon: 1e-5, lanes: 1)
        LayerNorm.normalize(&split, residual: residual, weight: gamma, bias: beta, epsilon: 1e-5, lanes: 3)
        #expect(one == split)
        #expect(one.values != input.values)
    }

    @Test func geluAtKnownPoints() {
        var x = Matrix(rows: 1, columns: 5, values: [0, 1, -1, 3, -6])
        Activation.gelu.apply(&x)
        // 0.5·x·(1 + erf(x/√2)): gelu(1) = 0.8413447, gelu(-1) = -0.1586553, gelu(3) = 2.9959502.
        let expected: [Float] = [0, 0.8413447, -0.1586553, 2.9959502, -0.0]
        for (a, b) in zip(x.values, expected) { #expect(abs(a - b) < 1e-6) }
    }

    @Test func geluSplitOverThreadsEqualsOneThread() {
        // Three lanes and a tail that is not a whole vector: every value gets the same function.
        let n = 3 * EngineThreads.elementsPerLane + 5
        let input = (0..<n).map { Float($0 % 997) / 83 - 6 }
        var one = input, split = input
        one.withUnsafeMutableBufferPointer { Activation.geluErf($0.baseAddress!, count: n, lanes: 1) }
        split.withUnsafeMutableBufferPointer { Activation.geluErf($0.baseAddress!, count: n, lanes: 3) }
        #expect(one == split)
        #expect(abs(one[n - 1] - input[n - 1] * 0.5 * (1 + erff(input[n - 1] / Float(2).squareRoot()))) < 1e-6)
    }

    @Test func fastErfIsWithinFloatPrecisionOfLibm() {
        var worst: Float = 0
        var x: Float = -6
        while x <= 6 {
            worst = max(worst, abs(smart_todo_erf(x) - erff(x)))
            x += 0.001
        }
        #expect(worst < 5e-7, "worst |erf - erff| = \(worst)")
    }

    @Test func softmaxInvariants() {
        var row: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]  // wider than one SIMD8 step, with a tail
        row.withUnsafeMutableBufferPointer { softmaxRow($0.baseAddress!, count: $0.count) }
        #expect(abs(row.reduce(0, +) - 1) < 1e-6)
        for (a, b) in zip(row, row.dropFirst()) { #expect(b > a) }
        // Shift invariance and no overflow with huge logits.
        var shifted: [Float] = (1...11).map { Float($0) + 10_000 }
        shifted.withUnsafeMutableBufferPointer { softmaxRow($0.baseAddress!, count: $0.count) }
        for (a, b) in zip(row, shifted) { #expect(abs(a - b) < 1e-6) }
        // By hand: softmax([0, ln 3]) = [0.25, 0.75].
        var two: [Float] = [0, logf(3)]
        two.withUnsafeMutableBufferPointer { softmaxRow($0.baseAddress!, count: 2) }
        #expect(abs(two[0] - 0.25) < 1e-6 && abs(two[1] - 0.75) < 1e-6)
    }

    @Test func vectorExpMatchesLibm() {
        var worst: Float = 0
        var x: Float = -87
        while x < 10 {
            var lanes = [Float](repeating: x, count: 8)
            smart_todo_exp8(lanes, &lanes)
            let e = lanes[0]
            worst = max(worst, abs(e - expf(x)) / expf(x))
            x += 0.0173
        }
        #expect(worst < 3e-7)
        var far = [Float](repeating: -1000, count: 8)
        smart_todo_exp8(far, &far)
        #expect(far == [Float](repeating: 0, count: 8))
    }

    @Test func shortSequencesWithoutBLASMatchTheBLASPath() {
        var rng = SeededGenerator(seed: 5)
        for (heads, headSize) in [(4, 12), (2, 32)] {  // 12: a tail after the 8-wide lanes
            let width = heads * headSize, sequences = [0..<5, 5..<45, 45..<46]
            func random() -> Matrix {
                Matrix(rows: 46, columns: width, values: (0..<(46 * width)).map { _ in Float(Int(rng.next() % 2001) - 1000) / 250 })
            }
            let q = random(), k = random(), v = random()
            for causal in [false, true] {
                let plain = MultiHeadAttention.forward(q: q, k: k, v: v, heads: heads, sequences: sequences, causal: causal, plainUpTo: 64)
                let blas = MultiHeadAttention.forward(q: q, k: k, v: v, heads: heads, sequences: sequences, causal: causal, plainUpTo: 0)
                #expect(maxAbsDifference(plain.values, blas.values) < 1e-4, "heads \(heads)×\(headSize), causal \(causal)")
            }
        }
    }

    /// A classifier's last layer asks for one query row per sequence: it must get exactly that
    /// row of the full attention; a causal row sees its sequence up to itself.
    @Test(arguments: [MultiHeadAttention.shortSequence, 0]) func oneQueryRowEqualsItsRowOfTheFullAttention(plainUpTo: Int) {
        var rng = SeededGenerator(seed: 11)
        let heads = 3, width = 3 * 8, sequences = [0..<7, 7..<30, 30..<31]
        func random() -> Matrix {
            Matrix(rows: 31, columns: width, values: (0..<(31 * width)).map { _ in Float(Int(rng.next() % 2001) - 1000) / 250 })
        }
        let q = random(), k = random(), v = random()
        let picked = [3, 29, 30]  // one row of each sequence; 29 is its sequence's last
        let single = picked.indices.map { $0..<($0 + 1) }
        for causal in [false, true] {
            let full = MultiHeadAttention.forward(q: q, k: k, v: v, heads: heads, sequences: sequences, causal: causal, plainUpTo: plainUpTo)
            let keys = causal ? zip(sequences, picked).map { $0.lowerBound..<($1 + 1) } : sequences
            let some = MultiHeadAttention.forward(q: q.rows(picked), k: k, v: v, heads: heads, sequences: single, keySequences: keys,
                                                  plainUpTo: plainUpTo)
            #expect(maxAbsDifference(some.values, full.rows(picked).values) < 1e-5, "causal \(causal)")
        }
    }

    /// Both paths: plain loops (short sequences) and BLAS.
    @Test(arguments: [MultiHeadAttention.shortSequence, 0]) func attentionByHand(plainUpTo: Int) {
        // One head of width 2, two tokens. q = k = [[1, 0], [0, 1]] → scores/√2 = [[1, 0], [0, 1]]/√2.
        let q = Matrix(rows: 2, columns: 2, values: [1, 0, 0, 1])
        let v = Matrix(rows: 2, columns: 2, values: [10, 0, 0, 20])
        let context = MultiHeadAttention.forward(q: q, k: q, v: v, heads: 1, sequences: [0..<2], plainUpTo: plainUpTo)
        let p = 1 / (1 + expf(-1 / Float(2).squareRoot()))  // weight on the matching token
        let expected: [Float] = [10 * p, 20 * (1 - p), 10 * (1 - p), 20 * p]
        for (a, b) in zip(context.values, expected) { #expect(abs(a - b) < 1e-5) }
        // Causal: the first token sees only itself.
        let causal = MultiHeadAttention.forward(q: q, k: q, v: v, heads: 1, sequences: [0..<2], causal: true, plainUpTo: plainUpTo)
        #expect(Array(causal.values.prefix(2)) == [10, 0])
        // Packed sequences never attend to each other: two one-token sequences return their own values.
        let separate = MultiHeadAttention.forward(q: q, k: q, v: v, heads: 1, sequences: [0..<1, 1..<2], plainUpTo: plainUpTo)
        #expect(separate.values == [10, 0, 0, 20])
    }

    /// An additive bias (MPNet's relative positions) on both paths: plain loops and BLAS agree, and
    /// every sequence of a packed batch reads the top-left block of the table.
    @Test func biasedAttentionIsTheSameOnBothPathsAndPerSequence() {
        var rng = SeededGenerator(seed: 21)
        let heads = 3, headSize = 12, width = heads * headSize, size = 40
        let sequences = [0..<5, 5..<45, 45..<46, 46..<86]
        func random(_ count: Int, _ scale: Float) -> [Float] { (0..<count).map { _ in Float(Int(rng.next() % 2001) - 1000) / 1000 * scale } }
        let q = Matrix(rows: 86, columns: width, values: random(86 * width, 4))
        let k = Matrix(rows: 86, columns: width, values: random(86 * width, 4))
        let v = Matrix(rows: 86, columns: width, values: random(86 * width, 4))
        let bias = AttentionBias(values: random(heads * size * size, 3), heads: heads, size: size)
        let plain = MultiHeadAttention.forward(q: q, k: k, v: v, heads: heads, sequences: sequences, bias: bias, plainUpTo: 64)
        let blas = MultiHeadAttention.forward(q: q, k: k, v: v, heads: heads, sequences: sequences, bias: bias, plainUpTo: 0)
        #expect(maxAbsDifference(plain.values, blas.values) < 1e-4)
        let unbiased = MultiHeadAttention.forward(q: q, k: k, v: v, heads: heads, sequences: sequences, plainUpTo: 64)
        #expect(maxAbsDifference(plain.values, unbiased.values) > 0.1, "the bias changes the result")
        // A sequence alone, with the table cut to its own length, gives the same rows.
        for s in sequences {
            let n = s.count
            var block = [Float]()
            for h in 0..<heads { for i in 0..<n { block += bias.values[(h * size + i) * size..<(h * size + i) * size + n] } }
            let alone = MultiHeadAttention.forward(q: q.rows(Array(s)), k: k.rows(Array(s)), v: v.rows(Array(s)), heads: heads,
                                                   sequences: [0..<n], bias: AttentionBias(values: block, heads: heads, size: n))
            #expect(maxAbsDifference(alone.values, plain.rows(Array(s)).values) < 1e-5, "sequence \(s)")
        }
    }

    /// Both paths, by hand: a bias of ln 3 on the second key of one head turns equal scores into weights 1/4, 3/4.
    @Test(arguments: [MultiHeadAttention.shortSequence, 0]) func biasedAttentionByHand(plainUpTo: Int) {
        let q = Matrix(rows: 2, columns: 2, values: [0, 0, 0, 0])  // every score 0 before the bias
        let v = Matrix(rows: 2, columns: 2, values: [4, 0, 0, 8])
        let bias = AttentionBias(values: [0, logf(3), 0, 0], heads: 1, size: 2)  // query 0 favours key 1; query 1 neither
        let context = MultiHeadAttention.forward(q: q, k: q, v: v, heads: 1, sequences: [0..<2], bias: bias, plainUpTo: plainUpTo)
        let expected: [Float] = [4 * 0.25, 8 * 0.75, 4 * 0.5, 8 * 0.5]
        for (a, b) in zip(context.values, expected) { #expect(abs(a - b) < 1e-5) }
    }

    @Test(arguments: [(1, 5, 3), (2, 4, 16), (9, 384, 384), (7, 13, 37), (24, 33, 130)])
    func fewRowsKernelEqualsBLAS(m: Int, n: Int, k: Int) {
        var rng = SeededGenerator(seed: UInt64(m * 1000 + n))
        let a = (0..<(m * k)).map { _ in Float(Int(rng.next() % 2001) - 1000) / 1000 }
        let b = (0..<(n * k)).map { _ in Float(Int(rng.next() % 2001) - 1000) / 1000 }
        var blas = [Float](repeating: 0.5, count: m * n), direct = blas
        Gemm.multiplyTransposed(a, b, into: &blas, m: m, n: n, k: k, beta: 1)
        FewRowsKernel.multiplyTransposed(a, b, into: &direct, m: m, n: n, k: k, columns: 0..<n, accumulate: true)
        #expect(maxAbsDifference(blas, direct) < 1e-4)
        // Split into column blocks (as threads do): the same result.
        var split = [Float](repeating: 0.5, count: m * n)
        let mid = n / 2
        FewRowsKernel.multiplyTransposed(a, b, into: &split, m: m, n: n, k: k, columns: 0..<mid, accumulate: true)
        FewRowsKernel.multiplyTransposed(a, b, into: &split, m: m, n: n, k: k, columns: mid..<n, accumulate: true)
        #expect(split == direct)
    }

    @Test func parallelGemmEqualsSerial() {
        var rng = SeededGenerator(seed: 9)
        // Split by rows, by columns, by columns of the few-rows kernel (up to its 128 rows), and too small to split.
        for (m, n, k) in [(300, 96, 64), (16, 1536, 384), (40, 384, 1536), (128, 384, 384), (200, 384, 96), (3, 8, 8)] {
            let a = (0..<(m * k)).map { _ in Float(Int(rng.next() % 201) - 100) / 100 }
            let b = (0..<(n * k)).map { _ in Float(Int(rng.next() % 201) - 100) / 100 }
            let bias = (0..<n).map { Float($0 % 7) - 3 }
            var serial = [Float](repeating: 0, count: m * n), parallel = serial
            Gemm.multiplyTransposed(a, b, into: &serial, m: m, n: n, k: k)
            Gemm.parallelMultiplyTransposed(a, b, into: &parallel, m: m, n: n, k: k, lanes: 2)
            #expect(maxAbsDifference(serial, parallel) < 1e-4, "\(m)×\(n)×\(k)")
            // With a bias every lane writes into its own block first: row r, column j gains bias[j].
            var biased = [Float](repeating: .nan, count: m * n)
            Gemm.parallelMultiplyTransposed(a, b, into: &biased, m: m, n: n, k: k, bias: bias, lanes: 2)
            let expected = serial.indices.map { serial[$0] + bias[$0 % n] }
            #expect(maxAbsDifference(expected, biased) < 1e-4, "bias, \(m)×\(n)×\(k)")
        }
    }
}

/// Pooling on a 2 × 3 × 2 example (two sequences of three tokens, width 2), packed.
@Suite struct PoolingTests {
    let hidden = Matrix(rows: 6, columns: 2, values: [1, 2, 3, 4, 5, 6, /* second sequence */ -1, 0, 0, 0, 1, 4])
    let sequences = [0..<3, 3..<6]

    @Test func mean() {
        #expect(Pooling(mode: .mean, normalize: false).pool(hidden, sequences: sequences) == [[3, 4], [0, 4.0 / 3]])
    }

    @Test func meanOverShorterSequenceIgnoresOtherTokens() {
        #expect(Pooling(mode: .mean, normalize: false).pool(hidden, sequences: [0..<2, 2..<6]) == [[2, 3], [1.25, 2.5]])
    }

    @Test func clsAndMax() {
        #expect(Pooling(mode: .cls, normalize: false).pool(hidden, sequences: sequences) == [[1, 2], [-1, 0]])
        #expect(Pooling(mode: .max, normalize: false).pool(hidden, sequences: sequences) == [[5, 6], [1, 4]])
    }

    @Test func normalized() {
        let v = Pooling(mode: .mean, normalize: true).pool(hidden, sequences: sequences)[0]
        #expect(abs(v[0] - 0.6) < 1e-6 && abs(v[1] - 0.8) < 1e-6)  // [3, 4] / 5
    }
}
