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

    public func row(_ r: Int) -> ArraySlice<Float> { values[(r * columns)..<((r + 1) * columns)] }
}
