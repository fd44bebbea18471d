import Foundation
import JSONReader
import Inference
import Tokenizers

/// A category the categorizer can choose: what it means, in words and in examples.
public struct CategoryDefinition: Codable, Sendable, Equatable {
    public var name: String
    /// A sentence of what belongs here; compared with the task by meaning.
    public var description: String
    /// Example tasks; the task's nearest examples vote.
    public var examples: [String]
    /// Words that name the category's typical action or object ("buy", "invoice").
    public var cues: [String]

    public init(name: String, description: String, examples: [String], cues: [String] = []) {
        self.name = name
        self.description = description
        self.examples = examples
        self.cues = cues
    }

    /// A category of the settings file may leave out its cues (none).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try c.decode(String.self, forKey: .name), description: try c.decode(String.self, forKey: .description),
                  examples: try c.decode([String].self, forKey: .examples), cues: try c.decodeIfPresent([String].self, forKey: .cues) ?? [])
    }
}

/// Everything that shapes enrichment (and search's topics), with documented defaults. Loaded from a JSON
/// file (`config.json` in the XDG config directory, or `SMART_TODO_CONFIG`); any
/// field left out keeps its default. Its digest is part of every cache key, so a
/// changed setting never returns an old answer.
public struct EnrichmentSettings: Codable, Sendable, Equatable {
    /// The sentence-embedding model (a bundle directory in the weights directory) that
    /// enrichment and search use. Not part of the digest: cache keys hold the model's fingerprint.
    public var model: String = ModelRegistry.embeddingBundleName
    public var categories: [CategoryDefinition] = CategoryDefinition.defaults

    /// The configured category a typed name means, in the settings' spelling ("finance" is
    /// "Finance"), so that one category is not filed and counted as two; a name the settings
    /// do not have stays as typed.
    public func categoryName(_ typed: String) -> String {
        categories.first { $0.name.caseInsensitiveCompare(typed) == .orderedSame }?.name ?? typed
    }
    /// Below this similarity of the best category's nearest examples the categorizer abstains ("Uncategorized").
    public var categoryThreshold: Double = 0.15
    /// How many nearest examples per category are averaged.
    public var categoryNeighbours: Int = 5
    /// Weight of the category description next to the examples.
    public var descriptionWeight: Double = 0.1
    /// Bonus per cue word in the title (a cue in the description counts 0.3 of it), at most 2 cues.
    public var cueWeight: Double = 0.05
    /// Which built-in sets of labelled tasks (`Tools/eval/bank`) join the categories' examples and
    /// lend the tagger their tags, by name; [] for none. A measurement leaves out the set it measures.
    public var labelledSets: [String] = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o"]
    /// Template for zero-shot categories with an NLI model.
    public var zeroShotTemplate: String = "This task is about {}."
    /// Longest text, in NLI windows, that the NLI model categorizes. Each window costs a
    /// forward pass per category (bart-large-mnli: ~1 s each), so a pasted document would
    /// take hours; a longer text is categorized by the embedding categorizer, which reads
    /// all of it, and `todo explain` says so. 0: no limit.
    public var zeroShotMaxWindows: Int = 8
    public var priority: PriorityCoefficients = PriorityCoefficients()
    public var tags: TagSettings = TagSettings()
    /// Search's topics; in the same file, outside the digest (see `SearchSettings`).
    public var search: SearchSettings = SearchSettings()

    public init() {}

    public func validate() throws {
        guard Self.namesBundle(model) else {
            throw SettingsError.invalid("model must name a bundle in the weights directory, such as \(ModelRegistry.embeddingBundleName) (see `todo models`)")
        }
        guard !categories.isEmpty else { throw SettingsError.invalid("categories is empty") }
        var seen = Set<String>()
        for category in categories {
            let name = category.name.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw SettingsError.invalid("a category has an empty name") }
            guard seen.insert(name.lowercased()).inserted else { throw SettingsError.invalid("category \(name) appears twice") }
            guard !category.examples.isEmpty || !category.description.isEmpty else {
                throw SettingsError.invalid("category \(name) needs a description or examples")
            }
        }
        guard categoryNeighbours >= 1 else { throw SettingsError.invalid("categoryNeighbours must be at least 1") }
        guard zeroShotTemplate.contains("{}") else { throw SettingsError.invalid("zeroShotTemplate must contain {}") }
        guard zeroShotMaxWindows >= 0 else { throw SettingsError.invalid("zeroShotMaxWindows must be 0 (no limit) or more") }
        guard (1...8).contains(tags.count) else { throw SettingsError.invalid("tags.count must be 1 to 8") }
        guard tags.learnedWeight >= 0 else { throw SettingsError.invalid("tags.learnedWeight must be 0 (the rules alone) or more") }
        try search.validate()
    }

    /// Whether `name` can be a bundle's directory in the weights directory, and no path out of it.
    static func namesBundle(_ name: String) -> Bool { !name.isEmpty && !name.contains("/") && !name.hasPrefix(".") }

    /// sha256 of the enrichment settings as canonical JSON: the "parameters" part of cache
    /// keys. The search section is left at its defaults: it changes no enrichment answer.
    public var digest: String {
        var enrichment = self
        enrichment.model = ModelRegistry.embeddingBundleName
        enrichment.search = SearchSettings()
        enrichment.search.topics = []  // the same constant, without encoding 51 topics on every `todo add`
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return SHA256.hex(String(decoding: (try? encoder.encode(enrichment)) ?? Data(), as: UTF8.self))
    }

    /// Where the settings come from: a file named by `--config` or `SMART_TODO_CONFIG` (which must
    /// exist), else `$XDG_CONFIG_HOME/smart-todo/config.json` or `~/.config/smart-todo/config.json`
    /// (the defaults when it does not).
    public struct Source: Sendable, Equatable {
        public var file: URL
        /// Named on purpose: a missing file is then an error, not the defaults.
        public var named: Bool

        public init(file: URL, named: Bool) {
            self.file = file
            self.named = named
        }

        /// `explicit` (`--config`), else `SMART_TODO_CONFIG`, else the XDG default.
        public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> Source {
            if let explicit, !explicit.isEmpty { return Source(file: URL(fileURLWithPath: explicit), named: true) }
            if let path = environment["SMART_TODO_CONFIG"], !path.isEmpty { return Source(file: URL(fileURLWithPath: path), named: true) }
            let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
                ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config")
            return Source(file: base.appendingPathComponent("smart-todo/config.json"), named: false)
        }
    }

    /// Reads the settings of `source`; a bad file (or a missing one that was named) is an error naming it.
    public static func load(from source: Source = .resolve(explicit: nil)) throws -> EnrichmentSettings {
        let path = source.file.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            if source.named { throw SettingsError.missing(path: path) }
            return EnrichmentSettings()
        }
        if isDirectory.boolValue { throw SettingsError.badFile(path: path, detail: "it is a folder, not a JSON file") }
        do {
            let data = try Data(contentsOf: source.file)
            // Our parser says where the JSON breaks; Foundation's only "around character 12".
            do { _ = try JSONParser.parse(data) } catch let problem as JSONParser.Problem {
                throw SettingsError.invalid("not valid JSON at line \(problem.line), column \(problem.column) (\(problem.message))")
            }
            return try overriding(with: data)
        } catch let error as SettingsError {
            throw SettingsError.badFile(path: path, detail: error.description)
        } catch {
            throw SettingsError.badFile(path: path, detail: error.localizedDescription)
        }
    }

    /// The defaults with the fields `json` names replaced (nested objects merge field by
    /// field). An unknown field is an error, so a typo never silently does nothing.
    public static func overriding(with json: Data) throws -> EnrichmentSettings {
        let defaults = try JSONSerialization.jsonObject(with: JSONEncoder().encode(EnrichmentSettings()))
        let user = try JSONSerialization.jsonObject(with: json)
        let merged = try merge(user, into: defaults, path: "")
        let settings: EnrichmentSettings
        do {
            settings = try JSONDecoder().decode(EnrichmentSettings.self, from: JSONSerialization.data(withJSONObject: merged))
        } catch let error as DecodingError {
            throw SettingsError.invalid(describe(error))
        }
        try settings.validate()
        return settings
    }

    /// A decoding error in the file's own terms: "search.addedTopics[0].name is missing".
    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce("") { out, key in key.intValue.map { out + "[\($0)]" } ?? (out.isEmpty ? key.stringValue : out + "." + key.stringValue) }
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(let type, let context):
            let kind = type == String.self ? "a string" : [Double.self, Float.self, Int.self].contains(where: { $0 == type }) ? "a number"
                : type == Bool.self ? "true or false" : "a \(type)"
            return "\(path(context.codingPath)) must be \(kind)"
        case .valueNotFound(_, let context): return "\(path(context.codingPath)) must not be null"
        case .dataCorrupted(let context): return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    private static func merge(_ user: Any, into base: Any, path: String) throws -> Any {
        guard let baseObject = base as? [String: Any] else { return user }
        guard let userObject = user as? [String: Any] else { throw SettingsError.invalid("\(path.isEmpty ? "the file" : path) must be a JSON object") }
        var out = baseObject
        for (key, value) in userObject {
            let keyPath = path.isEmpty ? key : path + "." + key
            guard let existing = baseObject[key] else {
                throw SettingsError.invalid("unknown setting '\(keyPath)' (known: \(baseObject.keys.sorted().joined(separator: ", ")))")
            }
            out[key] = try merge(value, into: existing, path: keyPath)
        }
        return out
    }
}

/// Settings for the tagger.
public struct TagSettings: Codable, Sendable, Equatable {
    /// How many tags to suggest (the issue asks for 2–4).
    public var count: Int = 4
    /// Relevance against diversity in the maximal-marginal-relevance pick (1 = relevance only: with
    /// the learned term, diversity cost every tuning set; duplicates and nested pairs stay limited).
    public var relevanceWeight: Double = 1
    /// Bonus for a phrase from the title (titles name the task; descriptions add detail).
    public var titleBonus: Double = 0.2
    /// Penalty per extra word, so "printer ink" beats "printer ink cartridges".
    public var lengthPenalty: Double = 0.05
    /// Bonus for a tag the user already uses on other tasks.
    public var knownTagBonus: Double = 0.1
    /// Cosine above which two tags mean the same and are merged.
    public var duplicateSimilarity: Double = 0.85
    /// How many tag pairs may nest ("printer ink" and "ink"): useful once, noise after.
    public var nestedPairs: Int = 1
    /// Beyond the first two tags, a tag needs at least this relevance (similarity plus bonuses).
    public var minimumRelevance: Double = 0.4
    /// How many of the nearest labelled tasks lend their tags (`TagVotes`); 0 for none.
    public var neighbours: Int = 10
    /// How many of their best-supported tags join the candidates.
    public var borrowed: Int = 3
    /// Bonus for a tag per share of the nearest labelled tasks that have it (1: all of them).
    public var neighbourWeight: Double = 1.5
    /// Bonus for a phrase people file by: a tag of any of the built-in labelled tasks ("bill",
    /// "groceries"), whichever source brings it; a phrase no one has filed by ("left", "flexible
    /// spending") goes without.
    public var filedTagBonus: Double = 0.2
    /// Weight of the learned ranking's log-odds in a candidate's rank (0: the rules alone). The
    /// rules' relevance still decides whether a weak tag is picked at all (`minimumRelevance`).
    public var learnedWeight: Double = 0.125
    /// The learned ranking (`TagRanking`), as `Tools/eval/fit_tag_ranking.py` fitted it.
    public var ranking: TagRanking = .fitted

    public init() {}
}

public enum SettingsError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    case badFile(path: String, detail: String)
    case missing(path: String)

    public var description: String {
        switch self {
        case .invalid(let detail): return detail
        case .badFile(let path, let detail): return "the settings file \(path) is not usable: \(detail). Fix it, or move it away to use the defaults."
        case .missing(let path): return "the settings file \(path) does not exist (named by --config or SMART_TODO_CONFIG); create it, or leave both out to use the defaults."
        }
    }
}
