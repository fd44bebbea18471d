import Foundation

/// Dynamic batching in front of the engine, as Hugging Face's text-embeddings-inference does:
/// one pass at a time owns the model; whenever it is free, the next pass takes every task that
/// waited meanwhile, up to a character budget and the queue's chunk. No timer: a task that
/// arrives while the model is idle starts a pass at once, alone; under load, tasks ride together.
actor EnrichmentBatcher {
    struct Waiting {
        var taskID: Int64
        var characters: Int
        var completions: [PassCompletion]
    }

    /// Enriches these tasks in one pass (their texts embedded together); never throws — a
    /// failure is the queue's to retry.
    typealias Pass = @Sendable ([Int64]) async -> Void

    private var waiting: [Waiting] = []
    private var running = false
    /// The tasks of the pass in hand.
    private var inPass: Set<Int64> = []
    private let pass: Pass
    private let characterBudget: Int
    private let maxTasks: Int
    private let dynamic: Bool

    init(characterBudget: Int, maxTasks: Int, dynamic: Bool, pass: @escaping Pass) {
        self.characterBudget = characterBudget
        self.maxTasks = maxTasks
        self.dynamic = dynamic
        self.pass = pass
    }

    /// Queues tasks (id, text length) for the next passes; the completion is done when all are.
    /// A task already waiting is not queued twice: this caller waits on that pass too.
    func submit(_ tasks: [(id: Int64, characters: Int)]) -> PassCompletion {
        let completion = PassCompletion(tasks: tasks.count)
        submit(tasks, into: completion)
        return completion
    }

    /// The same, counted in a completion the caller made (`EnrichmentLanes`: tasks of two batchers).
    func submit(_ tasks: [(id: Int64, characters: Int)], into completion: PassCompletion) {
        for task in tasks {
            if let i = waiting.firstIndex(where: { $0.taskID == task.id }) {
                waiting[i].completions.append(completion)
            } else {
                waiting.append(Waiting(taskID: task.id, characters: task.characters, completions: [completion]))
            }
        }
        startIfIdle()
    }

    var depth: Int { waiting.count }
    var isBusy: Bool { running || !waiting.isEmpty }
    /// The tasks waiting or in the pass in hand.
    var tasks: Set<Int64> { inPass.union(waiting.map(\.taskID)) }

    private func startIfIdle() {
        guard !running, !waiting.isEmpty else { return }
        running = true
        var batch: [Waiting] = [waiting.removeFirst()]
        var characters = batch[0].characters
        while dynamic, let next = waiting.first, batch.count < maxTasks, characters + next.characters <= characterBudget {
            batch.append(waiting.removeFirst())
            characters += next.characters
        }
        inPass = Set(batch.map(\.taskID))
        let pass = self.pass
        Task {
            await pass(batch.map(\.taskID))
            for w in batch { w.completions.forEach { $0.finishOne() } }
            self.passEnded()
        }
    }

    private func passEnded() {
        running = false
        inPass = []
        startIfIdle()
    }
}
