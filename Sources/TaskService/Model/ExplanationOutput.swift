/// `todo explain --json`'s and `GET /api/tasks/{id}/explain`'s shape: the priority term by term, the category's scores, the tags' sources.
public struct ExplanationOutput: Encodable, Sendable {
    public struct Term: Encodable, Sendable {
        public var name: String
        public var coefficient: Double
        public var value: Double
        public var contribution: Double
        public var why: String
    }

    public struct Category: Encodable, Sendable {
        public var category: String?
        public var storedCategory: String?
        public var setBy: TodoTask.SetBy
        public var method: String
        public var scores: [CategoryExplanation.Score]

        enum CodingKeys: String, CodingKey {
            case category, method, scores
            case storedCategory = "stored_category", setBy = "set_by"
        }
    }

    public struct Tags: Encodable, Sendable {
        public var tags: [String]
        public var setBy: TodoTask.SetBy
        public var suggested: [TagExplanation]

        enum CodingKeys: String, CodingKey {
            case tags, suggested
            case setBy = "set_by"
        }
    }

    public var terms: [Term]
    public var score: Double
    public var priority: TodoTask.Priority
    public var storedPriority: TodoTask.Priority?
    public var setBy: TodoTask.SetBy
    public var category: Category
    public var tags: Tags

    enum CodingKeys: String, CodingKey {
        case terms, score, priority, category, tags
        case storedPriority = "stored_priority", setBy = "set_by"
    }

    public init(_ task: TodoTask, _ e: Enricher.Explanation) {
        terms = e.priority.terms.map { Term(name: $0.name, coefficient: $0.coefficient, value: $0.value, contribution: $0.contribution, why: $0.why) }
        score = e.priority.score
        priority = e.priority.priority
        storedPriority = task.priority
        setBy = task.setBy(.priority)
        category = Category(category: e.category.category, storedCategory: task.category, setBy: task.setBy(.category),
                            method: e.category.byZeroShot ? "zero-shot" : "examples", scores: e.category.scores)
        tags = Tags(tags: task.tags, setBy: task.setBy(.tags), suggested: e.tags)
    }
}
