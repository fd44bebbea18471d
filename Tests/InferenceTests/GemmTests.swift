import Testing
@testable import Inference

@Suite struct GemmTests {
    // a = [[1, 2, 3], [4, 5, 6]], w = [[1, 0, -1], [2, 1, 0]] stored [out, in]
    // a · wᵀ = [[1·1+2·0+3·(-1), 1·2+2·1+3·0], [4-6, 8+5]] = [[-2, 4], [-2, 13]]
    @Test func multipliesByTransposedWeights() {
        let a: [Float] = [1, 2, 3, 4, 5, 6]
        let w: [Float] = [1, 0, -1, 2, 1, 0]
        var c = [Float](repeating: 0, count: 4)
        Gemm.multiplyTransposed(a, w, into: &c, m: 2, n: 2, k: 3)
        #expect(c == [-2, 4, -2, 13])
    }

    @Test func betaAccumulatesIntoOutput() {
        let a: [Float] = [1, 2, 3, 4, 5, 6]
        let w: [Float] = [1, 0, -1, 2, 1, 0]
        var c: [Float] = [10, 10, 10, 10]
        Gemm.multiplyTransposed(a, w, into: &c, m: 2, n: 2, k: 3, alpha: 2, beta: 1)
        #expect(c == [6, 18, 6, 36])
    }

    /// Plain product equals the transposed product on explicitly transposed input.
    @Test func plainAndTransposedAgree() {
        let m = 5, k = 7, n = 3
        let a = (0..<(m * k)).map { Float(($0 * 37) % 11) - 5 }
        let b = (0..<(k * n)).map { Float(($0 * 17) % 13) - 6 }  // [k×n]
        var bT = [Float](repeating: 0, count: k * n)                 // [n×k]
        for i in 0..<k { for j in 0..<n { bT[j * k + i] = b[i * n + j] } }
        var plain = [Float](repeating: 0, count: m * n), transposed = plain, naive = plain
        Gemm.multiply(a, b, into: &plain, m: m, n: n, k: k)
        Gemm.multiplyTransposed(a, bT, into: &transposed, m: m, n: n, k: k)
        for i in 0..<m { for j in 0..<n { naive[i * n + j] = (0..<k).reduce(0) { $0 + a[i * k + $1] * b[$1 * n + j] } } }
        #expect(plain == naive)
        #expect(transposed == naive)
    }

    /// The few-rows kernel on every remainder it handles: rows not a multiple of 3, weight rows
    /// not a multiple of 4, depths not a multiple of 8, column ranges split as threads split
    /// them, overwrite and accumulate. Integer-valued inputs, so sums are exact.
    @Test func fewRowsKernelMatchesTheDefinitionOnEveryRemainder() {
        var failures: [String] = []
        for m in [1, 2, 3, 4, 5, 7, 11, 24] {
            for n in [1, 3, 4, 5, 9, 13] {
                for k in [1, 7, 8, 9, 17, 40] {
                    let a = (0..<(m * k)).map { Float(($0 * 37 + m) % 11) - 5 }
                    let w = (0..<(n * k)).map { Float(($0 * 17 + n) % 13) - 6 }  // [n×k]
                    let start = (0..<(m * n)).map { Float($0 % 5) }
                    for accumulate in [false, true] {
                        var c = start
                        let split = n / 2
                        a.withUnsafeBufferPointer { ap in w.withUnsafeBufferPointer { wp in c.withUnsafeMutableBufferPointer { cp in
                            for columns in [0..<split, split..<n] where !columns.isEmpty {
                                FewRowsKernel.multiplyTransposed(ap.baseAddress!, wp.baseAddress!, into: cp.baseAddress!, m: m, n: n, k: k,
                                                                 columns: columns, accumulate: accumulate)
                            }
                        } } }
                        for i in 0..<m {
                            for j in 0..<n {
                                let dot = (0..<k).reduce(Float(0)) { $0 + a[i * k + $1] * w[j * k + $1] }
                                let expected = (accumulate ? start[i * n + j] : 0) + dot
                                if c[i * n + j] != expected { failures.append("m \(m) n \(n) k \(k) acc \(accumulate) [\(i),\(j)]: \(c[i * n + j]) ≠ \(expected)") }
                            }
                        }
                    }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) wrong; first: \(failures.prefix(3))")
    }
}

@Suite struct ThreadSettingTests {
    @Test func precedence() throws {
        #expect(try ThreadSetting.resolve(explicit: 3, environment: ["SMART_TODO_THREADS": "2"], cores: 8) == 3)
        #expect(try ThreadSetting.resolve(explicit: nil, environment: ["SMART_TODO_THREADS": "2", "OPENBLAS_NUM_THREADS": "5"], cores: 8) == 2)
        #expect(try ThreadSetting.resolve(explicit: nil, environment: ["OPENBLAS_NUM_THREADS": "5"], cores: 8) == 5)
        #expect(try ThreadSetting.resolve(explicit: nil, environment: [:], cores: 8) == 8)
    }

    @Test func rejectsNonsense() {
        #expect(throws: ThreadSettingError.invalid(source: "SMART_TODO_THREADS", value: "many")) {
            try ThreadSetting.resolve(explicit: nil, environment: ["SMART_TODO_THREADS": "many"], cores: 2)
        }
        #expect(throws: ThreadSettingError.invalid(source: "--threads", value: "0")) {
            try ThreadSetting.resolve(explicit: 0, environment: [:], cores: 2)
        }
    }
}
