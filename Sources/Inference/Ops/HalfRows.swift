import Kernels

/// Rows of binary16 floats (`Sources/Kernels/half_rows.c`): a matrix that is only ever streamed
/// against one vector at a time — a search index held in memory — at half the bytes of float32,
/// and so scored in half the time. A stored value is within 2⁻¹¹ of the float it came from
/// (relative); a unit vector's dot products move by about 1e-4.
public enum HalfRows {
    /// `out[r]` = `query` · row `r` for every `r < count`, in float32, on the engine's threads.
    public static func dot(_ query: UnsafePointer<Float>, _ rows: UnsafePointer<UInt16>, into out: UnsafeMutablePointer<Float>,
                           count: Int, dimension: Int, lanes: Int? = nil) {
        guard count > 0 else { return }
        let parts = count * dimension >= EngineThreads.elementsPerLane ? lanes ?? EngineThreads.count : 1
        let each = (count + parts - 1) / parts
        EngineThreads.parallel(parts, lanes: parts) { part in
            let start = part * each, end = min(count, start + each)
            guard start < end else { return }
            smart_todo_half_rows_dot(query, rows, out, Int32(dimension), Int32(start), Int32(end))
        }
    }

    /// Each float rounded to the nearest binary16.
    public static func encode(_ values: UnsafePointer<Float>, into halves: UnsafeMutablePointer<UInt16>, count: Int) {
        smart_todo_floats_to_halves(values, halves, count)
    }

    public static func decode(_ halves: UnsafePointer<UInt16>, into values: UnsafeMutablePointer<Float>, count: Int) {
        smart_todo_halves_to_floats(halves, values, count)
    }
}
