/// The texts every enrichment compares a task with — each category's examples and its
/// description, the prioritizer's phrasings, the tag lexicon — laid out one after another so
/// their vectors are one cached entry (`ResultCache.vectorSet`), and read back by name.
struct ExampleBanks {
    enum Part: Hashable {
        case categoryExamples(Int), categoryDescriptions, urgent, leadTime, minor, consequential, lexicon, labelled, labelledTags
    }

    private(set) var texts: [String] = []
    private var ranges: [Part: Range<Int>] = [:]
    /// The labelled tasks of `.labelled` and the tags of `.labelledTags`, in their parts' order.
    let labelled: [LabelledTask]
    let labelledTags: [String]

    /// In this order (the cache key is the texts in order: a new order would embed them again).
    init(settings: EnrichmentSettings) {
        labelled = LabelledTask.builtIn(sets: settings.labelledSets)
        labelledTags = Self.distinctTags(of: labelled)
        for (i, c) in settings.categories.enumerated() { add(.categoryExamples(i), c.examples) }
        add(.categoryDescriptions, settings.categories.map(\.description))
        add(.urgent, Prioritizer.urgentPhrasings)
        add(.leadTime, Prioritizer.leadTimePhrasings)
        add(.minor, Prioritizer.minorTasks)
        add(.consequential, Prioritizer.consequentialTasks)
        add(.lexicon, Tagger.lexicon)
        add(.labelled, labelled.map(\.text))
        add(.labelledTags, labelledTags)
    }

    /// The labelled tasks' tags, lowercased, each once, in order of first use.
    static func distinctTags(of labelled: [LabelledTask]) -> [String] {
        var seen = Set<String>()
        return labelled.flatMap(\.tags).map { $0.lowercased() }.filter { seen.insert($0).inserted }
    }

    private mutating func add(_ part: Part, _ group: [String]) {
        ranges[part] = texts.count..<(texts.count + group.count)
        texts += group
    }

    /// The part's vectors out of `vectors`, one per text in `texts`.
    func vectors(_ part: Part, in vectors: [[Float]]) -> [[Float]] {
        Array(vectors[ranges[part]!])
    }
}
