/// Where the enricher reports the windows of the texts it embeds, as they are done: a
/// description of megabytes is thousands of windows and minutes of work, and the command
/// running it should say how far it is rather than sit silent. A report may also stop the work
/// by throwing (the service does, for a deleted task or at shutdown: `EnrichmentError.stopped`);
/// the pass's jobs then stay queued as they were.
public final class WindowProgress: @unchecked Sendable {
    // Called from the thread that runs the embedding, one call at a time.
    public let report: (_ done: Int, _ total: Int) throws -> Void

    public init(_ report: @escaping (_ done: Int, _ total: Int) throws -> Void) { self.report = report }
}
