/// Activations: a row-major `[rows, columns]` float matrix, one row per token
/// of every sequence in a packed batch.
public struct Matrix: Sendable, Equatable {
    public var rows: Int
    public var columns: Int
    public var values: [Float]

    public init(rows: Int, columns: Int, values: [Float]? = nil) {
        precondition(values == nil || values!.count == rows * columns, "values must fill \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.values = values ?? [Float](repeating: 0, count: rows * columns)
    }

    /// A matrix whose every value the caller is about to write (a GEMM output): skips zero-filling,
    /// which for a 256-token layer was ~8 % of the time (memset and fresh-page faults).
    static func uninitialized(rows: Int, columns: Int) -> Matrix {
        let count = rows * columns
        return Matrix(rows: rows, columns: columns, values: [Float](unsafeUninitializedCapacity: count) { _, n in n = count })
    }

    public func row(_ r: Int) -> ArraySlice<Float> { values[(r * columns)..<((r + 1) * columns)] }

    /// The given rows, in that order.
    public func rows(_ indexes: [Int]) -> Matrix {
        var out = Matrix.uninitialized(rows: indexes.count, columns: columns)
        for (i, r) in indexes.enumerated() { out.values.replaceSubrange((i * columns)..<((i + 1) * columns), with: row(r)) }
        return out
    }
}
