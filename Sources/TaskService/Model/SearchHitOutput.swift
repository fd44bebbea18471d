/// One search result as `todo search --json` and `GET /api/search` print it; a hit without a
/// topic still has the key, as null, so every object has the same fields.
public struct SearchHitOutput: Encodable, Sendable {
    public var score: Float
    public var similarity: Float
    public var keywordShare: Float
    public var topic: String?
    public var task: TaskOutput

    public init(_ h: TaskSearch.Hit) {
        (score, similarity, keywordShare, topic, task) = (h.score, h.similarity, h.keywordShare, h.topic, TaskOutput(h.task))
    }

    enum CodingKeys: String, CodingKey {
        case score, similarity, topic, task
        case keywordShare = "keyword_share"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(score, forKey: .score)
        try c.encode(similarity, forKey: .similarity)
        try c.encode(keywordShare, forKey: .keywordShare)
        try c.encode(topic, forKey: .topic)
        try c.encode(task, forKey: .task)
    }
}
