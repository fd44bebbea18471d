// Pointers handed to the lanes of one `EngineThreads.parallel` loop (valid for its duration).

/// A pointer handed to lanes that write disjoint parts of it.
struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
}

/// A pointer the lanes only read, valid for the duration of the parallel loop.
struct SendableConstant: @unchecked Sendable {
    let pointer: UnsafePointer<Float>
    init(_ pointer: UnsafePointer<Float>) { self.pointer = pointer }
}
