import Foundation

/// Two batchers side by side: a text too long to enrich inline (`ServerSettings.inlineTextLimit`)
/// is seconds to minutes of model work, and goes through a lane of its own, so a pasted e-mail
/// never holds up the tasks typed after it. The engine runs the two passes at once: the second
/// to ask for its thread pool runs on its own thread instead.
struct EnrichmentLanes: Sendable {
    let short: EnrichmentBatcher
    let long: EnrichmentBatcher
    /// Texts from this many characters on take the long lane.
    let longText: Int

    /// Queues tasks (id, text length) in their lanes. The completion counts the short lane's
    /// only: nobody waits for a long text (no request enriches one inline; the worker goes on
    /// taking other jobs meanwhile).
    func submit(_ tasks: [(id: Int64, characters: Int)]) async -> PassCompletion {
        let short = tasks.filter { $0.characters < longText }, long = tasks.filter { $0.characters >= longText }
        let completion = PassCompletion(tasks: short.count)
        if !short.isEmpty { await self.short.submit(short, into: completion) }
        if !long.isEmpty { await self.long.submit(long, into: PassCompletion(tasks: long.count)) }
        return completion
    }

    /// The tasks the long lane holds (waiting or in its pass): the worker does not hand them again.
    var longTasks: Set<Int64> {
        get async { await long.tasks }
    }

    var isBusy: Bool {
        get async {
            if await short.isBusy { return true }
            return await long.isBusy
        }
    }
}
