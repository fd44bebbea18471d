import Foundation
import Testing
@testable import TaskService
import SeededRandom

/// The enrichers' rules on hand-made vectors and signals: no model needed.
@Suite struct EnrichmentRulesTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let calm = PrioritySignals(urgencyCue: nil, urgencyMeaning: 0.2, stakes: 0.05, leadTime: 0.2)

    func explain(_ s: PrioritySignals, dueInDays: Double?, ageDays: Double = 0) -> PriorityExplanation {
        Prioritizer(coefficients: PriorityCoefficients())
            .explain(signals: s, due: dueInDays.map { now.addingTimeInterval($0 * 86_400) }, created: now.addingTimeInterval(-ageDays * 86_400), now: now)
    }

    @Test func priorityIsTheSumOfItsTerms() {
        #expect(explain(calm, dueInDays: nil).priority == .low)
        #expect(explain(calm, dueInDays: nil).terms.isEmpty)
        #expect(explain(calm, dueInDays: 1).priority == .high)
        #expect(explain(calm, dueInDays: 2).priority == .high)
        #expect(explain(calm, dueInDays: 5).priority == .medium)
        #expect(explain(calm, dueInDays: 10).priority == .low)
        #expect(explain(calm, dueInDays: -3).priority == .high)
        #expect(explain(calm, dueInDays: -3).terms.map(\.name) == ["overdue"])
        let e = explain(calm, dueInDays: 5, ageDays: 10)
        #expect(abs(e.score - e.terms.reduce(0) { $0 + $1.contribution }) < 1e-9)
        #expect(abs(e.score - (1.0 + 0.2)) < 1e-9)  // within a week + 10 days × 0.02
    }

    @Test func urgencyMinorTasksLeadTimeAndNoRush() {
        var urgent = calm
        urgent.urgencyCue = "ASAP"
        #expect(explain(urgent, dueInDays: nil).priority == .high)
        var meaning = calm
        meaning.urgencyMeaning = 0.7  // an urgent-sounding clause without a cue word
        #expect(explain(meaning, dueInDays: nil).priority == .high)
        var minor = calm
        minor.stakes = -0.3
        #expect(explain(minor, dueInDays: 1).priority == .medium)  // pressing but small: one step down
        #expect(explain(minor, dueInDays: 5).priority == .low)
        #expect(explain(minor, dueInDays: nil).priority == .low)   // no date: nothing to step down
        var lead = calm
        lead.leadTime = 0.7
        #expect(explain(lead, dueInDays: nil).priority == .medium)
        #expect(explain(lead, dueInDays: nil).terms.last?.name == "lead time")
    }

    @Test func cueWordsAreWholeWordsNearTheStart() {
        let bank: [[Float]] = [[1, 0]]
        func cue(_ title: String, _ description: String = "") -> String? {
            Prioritizer.signals(title: title, description: description, clauseVectors: [[0, 1]], titleVector: [0, 1],
                                urgent: bank, lead: bank, minor: bank, consequential: bank).urgencyCue
        }
        #expect(cue("URGENT: call the bank") == "URGENT")
        #expect(cue("Fix it", "must be enabled before the SOC 2 audit") == "before the SOC 2 audit")
        #expect(cue("Resurgent interest in chess") == nil)
        #expect(cue("Camping trip", String(repeating: "packing list and route notes. ", count: 20) + "emergency contact: Ravi") == nil)
    }

    /// A negated cue is no urgency, and the clause saying so does not read as urgent by meaning
    /// either ("not urgent" is as close to "This is urgent" as any clause); another cue still counts.
    @Test func aNegatedCueIsNoUrgency() {
        let bank: [[Float]] = [[1, 0]]
        func signals(_ title: String) -> PrioritySignals {
            Prioritizer.signals(title: title, description: "", clauseVectors: [[1, 0]], titleVector: [0, 1],
                                urgent: bank, lead: bank, minor: bank, consequential: bank)
        }
        for title in ["not urgent: sort old photos someday", "Non-urgent: tidy the shed", "this isn't really critical", "No emergency, just check the boiler",
                      "NOT top priority - update LinkedIn"] {
            let s = signals(title)
            #expect(s.urgencyCue == nil && s.urgencyMeaning == 0, "\(title): \(s)")
        }
        #expect(signals("not urgent, but the server is blocking the release").urgencyCue == "blocking")
        #expect(signals("Urgent: the cat is not eating").urgencyCue == "Urgent")
        #expect(signals("Sort old photos").urgencyMeaning == 1, "no negation: meaning counts")
    }

    /// Lead time is also read in clauses cut at commas; urgency only in whole clauses.
    @Test func leadTimeIsFoundInAsidesUrgencyIsNot() {
        let bank: [[Float]] = [[1, 0]]
        func signals(pieces: [[Float]]) -> PrioritySignals {
            Prioritizer.signals(title: "x", description: "", clauseVectors: [[0, 1]], pieceVectors: pieces, titleVector: [0, 1],
                                urgent: bank, lead: bank, minor: bank, consequential: bank)
        }
        #expect(signals(pieces: []).leadTime == 0)
        #expect(signals(pieces: [[1, 0]]).leadTime == 1 && signals(pieces: [[1, 0]]).urgencyMeaning == 0)
        #expect(TextFeatures.clauses("Receipts: $420 left, use it or lose it") == ["Receipts", "$420 left, use it or lose it"])
        #expect(TextFeatures.clauses("Receipts: $420 left, use it or lose it", separators: ".!?;\n—–:,") == ["Receipts", "$420 left", "use it or lose it"])
    }

    @Test func coefficientsComeFromTheSettingsFile() throws {
        let s = try EnrichmentSettings.overriding(with: Data(#"{"priority": {"dueWithinWeek": 2.0}, "tags": {"count": 3}}"#.utf8))
        #expect(s.priority.dueWithinWeek == 2.0)
        #expect(s.priority.overdue == PriorityCoefficients().overdue)  // untouched fields keep their defaults
        #expect(s.tags.count == 3)
        #expect(s.categories == CategoryDefinition.defaults)
        #expect(s.digest != EnrichmentSettings().digest)
        #expect(Prioritizer(coefficients: s.priority).explain(signals: calm, due: now.addingTimeInterval(5 * 86_400), created: now, now: now).priority == .high)
    }

    @Test func searchMayHaveAModelOfItsOwnOutsideTheDigest() throws {
        let own = try EnrichmentSettings.overriding(with: Data(#"{"search": {"model": "all-mpnet-base-v2"}}"#.utf8))
        #expect(own.search.model == "all-mpnet-base-v2" && own.model == ModelRegistry.embeddingBundleName)
        // Search's model decides no category, priority or tag: enrichment's cached answers stay valid.
        #expect(own.digest == EnrichmentSettings().digest)
        let registry = ModelRegistry(weightsDirectory: URL(fileURLWithPath: "/weights"))
        #expect(registry.searching(own.search).embeddingModel == "all-mpnet-base-v2")
        #expect(registry.searching(EnrichmentSettings().search) === registry, "one model: one registry, loaded once")
        #expect(registry.searching(SearchSettings()) === registry.sibling(ModelRegistry.embeddingBundleName))
        for json in [#"{"search": {"model": "../models/x"}}"#, #"{"search": {"model": ".hidden"}}"#] {
            #expect(throws: SettingsError.self) { try EnrichmentSettings.overriding(with: Data(json.utf8)) }
            do { _ = try EnrichmentSettings.overriding(with: Data(json.utf8)) } catch {
                #expect("\(error)".contains("search.model must name a bundle"), "\(error)")
            }
        }
    }

    @Test func searchTopicsComeFromTheSettingsFileOutsideTheDigest() throws {
        let added = try EnrichmentSettings.overriding(with: Data(#"{"search": {"addedTopics": [{"name": "lab work", "examples": ["Run PCR"]}]}}"#.utf8))
        #expect(added.search.allTopics == SearchTopic.defaults + [SearchTopic(name: "lab work", examples: ["Run PCR"])])
        #expect(added.search.topicWeight == SearchSettings().topicWeight)
        // Topics shape no enrichment answer: the cached categories, priorities and tags stay valid.
        #expect(added.digest == EnrichmentSettings().digest)
        let replaced = try EnrichmentSettings.overriding(with: Data(#"{"search": {"topics": [{"name": "lab work", "examples": ["Run PCR"]}], "topicWeight": 0.5}}"#.utf8))
        #expect(replaced.search.allTopics.map(\.name) == ["lab work"] && replaced.search.topicWeight == 0.5)
        for (json, named) in [(#"{"search": {"topicWeight": -1}}"#, "topicWeight"),
                              (#"{"search": {"addedTopics": [{"name": "Garden and plants", "examples": ["Weed"]}]}}"#, "appears twice"),
                              (#"{"search": {"addedTopics": [{"name": " ", "examples": ["Weed"]}]}}"#, "empty name"),
                              (#"{"search": {"addedTopics": [{"name": "lab", "examples": []}]}}"#, "needs at least one example"),
                              (#"{"search": {"topicWeight": "high"}}"#, "search.topicWeight must be a number"),
                              (#"{"search": {"addedTopics": [{"name": "lab", "examples": [""]}]}}"#, "empty example"),
                              (#"{"search": {"addedTopics": [{"name": "lab"}]}}"#, "search.addedTopics[0].examples is missing"),
                              (#"{"search": {"addedTopics": [{"name": 3, "examples": []}]}}"#, "search.addedTopics[0].name must be a string")] {
            do {
                _ = try EnrichmentSettings.overriding(with: Data(json.utf8))
                Issue.record("accepted \(json)")
            } catch {
                #expect("\(error)".contains(named), "\(json): \(error)")
            }
        }
    }

    @Test func badSettingsAreNamed() throws {
        #expect(throws: SettingsError.self) { try EnrichmentSettings.overriding(with: Data(#"{"priorty": {}}"#.utf8)) }
        do {
            _ = try EnrichmentSettings.overriding(with: Data(#"{"priority": {"overdu": 1}}"#.utf8))
            Issue.record("accepted a misspelt setting")
        } catch let e as SettingsError {
            #expect(e.description.contains("priority.overdu"))
        }
        #expect(throws: SettingsError.self) { try EnrichmentSettings.overriding(with: Data(#"{"categories": []}"#.utf8)) }
        // A category may leave out its cues; its name may not be left out.
        let noCues = try EnrichmentSettings.overriding(with: Data(#"{"categories": [{"name": "Lab", "description": "bench work", "examples": ["Run PCR"]}]}"#.utf8))
        #expect(noCues.categories == [CategoryDefinition(name: "Lab", description: "bench work", examples: ["Run PCR"])])
        #expect(throws: SettingsError.invalid("categories[0].name is missing")) {
            try EnrichmentSettings.overriding(with: Data(#"{"categories": [{"description": "bench work", "examples": ["Run PCR"]}]}"#.utf8))
        }
        #expect(throws: SettingsError.self) { try EnrichmentSettings.overriding(with: Data(#"{"zeroShotTemplate": "no placeholder"}"#.utf8)) }
        #expect(throws: SettingsError.invalid("tags.learnedWeight must be 0 (the rules alone) or more")) {
            try EnrichmentSettings.overriding(with: Data(#"{"tags": {"learnedWeight": -1}}"#.utf8))
        }
        // The learned ranking's weights merge field by field, as every nested setting does.
        let ranking = try EnrichmentSettings.overriding(with: Data(#"{"tags": {"ranking": {"support": 2}}}"#.utf8)).tags.ranking
        #expect(ranking.support == 2 && ranking.filed == TagRanking.fitted.filed)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("settings-\(UUID().uuidString).json")
        try Data("{\n  \"tags\": {\"count\": 3},\n  not json".utf8).write(to: file)
        // Where the JSON breaks, in the file's own lines and columns.
        #expect(throws: SettingsError.badFile(path: file.path, detail: "not valid JSON at line 3, column 3 (expected a quoted key)")) {
            try EnrichmentSettings.load(from: .init(file: file, named: true))
        }
        // A missing file is the defaults only when nobody named it.
        let missing = file.appendingPathExtension("missing")
        #expect(try EnrichmentSettings.load(from: .init(file: missing, named: false)) == EnrichmentSettings())
        #expect(throws: SettingsError.missing(path: missing.path)) { try EnrichmentSettings.load(from: .init(file: missing, named: true)) }
        #expect(EnrichmentSettings.Source.resolve(explicit: nil, environment: ["SMART_TODO_CONFIG": "/x.json"]) == .init(file: URL(fileURLWithPath: "/x.json"), named: true))
        #expect(EnrichmentSettings.Source.resolve(explicit: nil, environment: ["XDG_CONFIG_HOME": "/cfg"]) == .init(file: URL(fileURLWithPath: "/cfg/smart-todo/config.json"), named: false))
    }

    @Test func categorizerVotesByNearestExamplesAndAbstains() {
        let bank = Categorizer.Bank(names: ["A", "B"], examples: [[[1, 0, 0], [0.9, 0.1, 0]], [[0, 1, 0], [0.1, 0.9, 0]]],
                                    descriptions: [[], []], cues: [["alpha"], ["beta"]])
        var settings = EnrichmentSettings()
        settings.categoryNeighbours = 1
        let c = Categorizer(settings: settings)
        #expect(c.choose(taskVector: [1, 0, 0], title: "x", description: "", bank: bank).category == "A")
        #expect(c.choose(taskVector: [0, 1, 0], title: "x", description: "", bank: bank).category == "B")
        // Halfway: the cue word decides.
        let half: [Float] = [0.7071, 0.7071, 0]
        #expect(c.choose(taskVector: half, title: "the beta plan", description: "", bank: bank).category == "B")
        #expect(c.choose(taskVector: half, title: "two betas", description: "", bank: bank).category == "B")  // singular forms match
        // The title's first word is its action and outweighs a cue later in the title.
        #expect(c.choose(taskVector: half, title: "alpha the beta plan", description: "", bank: bank).category == "A")
        #expect(c.choose(taskVector: half, title: "beta the alpha plan", description: "", bank: bank).category == "B")
        // Unrelated to every example: abstain, whatever the cue words say.
        #expect(c.choose(taskVector: [0, 0, 1], title: "alpha", description: "", bank: bank).category == nil)
    }

    @Test func tagCandidatesSkipFunctionWordsAndLeadingVerbs() {
        let phrases = Tagger.candidates(title: "Buy new rain jacket for the trip", description: "").map(\.phrase)
        #expect(phrases.contains("rain jacket") && phrases.contains("jacket") && phrases.contains("trip"))
        #expect(!phrases.contains("buy") && !phrases.contains("for the") && !phrases.contains("new rain"))
        #expect(Tagger.candidates(title: "", description: "").isEmpty)
        #expect(Tagger.candidates(title: "word word word", description: "").map(\.phrase) == ["word"])  // no "word word"
        // No word is a tag beyond 32 letters: a run of letters without a space made a tag of its length.
        let long = String(repeating: "a", count: 33), compound = "krankenversicherungsbeitrag"
        #expect(Tagger.candidates(title: "pay \(compound) \(long)", description: "").map(\.phrase) == [compound])
        // Phrases never span punctuation; dotted names stay whole.
        let boots = Tagger.candidates(title: "Order football boots for Jonas (size 34)", description: "renew smartlist.io. Then relax").map(\.phrase)
        #expect(boots.contains("football boots") && boots.contains("jonas") && !boots.contains("jonas size"))
        #expect(boots.contains("smartlist.io") && !boots.contains("smartlist.io then"))
        // Dates and times are the due date's business, not tags.
        let sync = Tagger.candidates(title: "Team sync every Monday morning about the roadmap", description: "from March, weekly, before EOD friday").map(\.phrase)
        #expect(sync.contains("team sync") && sync.contains("roadmap"))
        #expect(!sync.contains { ["monday", "morning", "sync every", "march", "friday", "eod"].contains($0) || $0.contains("monday") })
        // A possessive ends a phrase and loses its 's.
        let ladder = Tagger.candidates(title: "Return Uncle Ahmed's ladder", description: "after Tuesday’s storm").map(\.phrase)
        #expect(ladder.contains("uncle ahmed") && ladder.contains("ahmed") && ladder.contains("ladder") && ladder.contains("storm"))
        #expect(!ladder.contains { $0.contains("'") || $0.contains("’") || $0.contains("tuesday") || $0 == "ahmed ladder" })
        // "first" names things ("first aid"); "weekdays" is a when, like the weekday names.
        let aid = Tagger.candidates(title: "Sign up for first aid course", description: "evenings on weekdays").map(\.phrase)
        #expect(aid.contains("first aid") && !aid.contains { $0.contains("weekday") })
        // Units of time and distance are not what a task is about: no "min run".
        #expect(Tagger.candidates(title: "Go for a 30 min run", description: "5 km, easy pace").map(\.phrase) == ["run", "easy", "pace", "easy pace"])
    }

    @Test func tagPickMergesDuplicatesAndNeverReaddsRemovedTags() {
        let pool = [Tagger.Entry(phrase: "boots", bonus: 1, fromText: true), Tagger.Entry(phrase: "boot", bonus: 1, fromText: true),
                    Tagger.Entry(phrase: "hiking", bonus: 1, fromText: true), Tagger.Entry(phrase: "outdoor gear", bonus: 0, fromText: false),
                    Tagger.Entry(phrase: "return", bonus: 0, fromText: true)]
        let vectors: [[Float]] = [[1, 0, 0], [0.99, 0.14, 0], [0.6, 0.8, 0], [0.6, 0, 0.8], [0, 0, 1]]
        var settings = TagSettings()
        settings.count = 3
        settings.minimumRelevance = -1
        let tagger = Tagger(settings: settings)
        let picked = tagger.pick(taskVector: [1, 0, 0], pool: pool, vectors: vectors, knownTags: [], removed: []).map(\.tag)
        #expect(picked.first == "boots" && !picked.contains("boot"))  // plural forms are one tag
        #expect(picked.count == 3)
        let without = tagger.pick(taskVector: [1, 0, 0], pool: pool, vectors: vectors, knownTags: [], removed: ["boot"]).map(\.tag)
        #expect(!without.contains("boots") && !without.contains("boot"))
        // The user's spelling of a tag they already use.
        #expect(tagger.pick(taskVector: [1, 0, 0], pool: pool, vectors: vectors, knownTags: ["Boot"], removed: []).map(\.tag).first == "Boot")
    }

    /// At most one tag inside another: "car insurance" after "insurance" and "car" would nest twice.
    @Test func aTagNestsWithAtMostOneOther() {
        let phrases = ["insurance", "car", "car insurance", "renewal"]
        let vectors: [[Float]] = [[0.8, 0.6, 0, 0], [0.8, 0, 0.6, 0], [0.8, 0.3, 0.3, 0.42], [0.6, -0.5, -0.5, 0.37]]
        var settings = TagSettings()
        settings.count = 4
        settings.minimumRelevance = -1
        let tagger = Tagger(settings: settings)
        func pick(_ pool: [Int]) -> [String] {
            tagger.pick(taskVector: [1, 0, 0, 0], pool: pool.map { Tagger.Entry(phrase: phrases[$0], bonus: 1, fromText: true) },
                        vectors: pool.map { vectors[$0] }, knownTags: [], removed: []).map(\.tag)
        }
        #expect(pick([0, 1, 2, 3]) == ["insurance", "car", "renewal"])
        // Inside one other only, it may join.
        #expect(Set(pick([0, 2, 3])) == ["insurance", "car insurance", "renewal"])
    }

    @Test func weakLexiconTagsNeverFillUp() {
        // One good phrase from the text; a weak phrase of the text may make the second tag, a weak lexicon tag may not.
        let vectors: [[Float]] = [[1, 0, 0], [0.3, 0.95, 0], [0.35, 0, 0.94]]
        let tagger = Tagger(settings: TagSettings())
        let lexiconOnly = [Tagger.Entry(phrase: "passport", bonus: 1, fromText: true), Tagger.Entry(phrase: "refund", bonus: 0, fromText: false)]
        #expect(tagger.pick(taskVector: [1, 0, 0], pool: lexiconOnly, vectors: Array(vectors.prefix(2)), knownTags: [], removed: []).map(\.tag) == ["passport"])
        let withText = lexiconOnly + [Tagger.Entry(phrase: "office", bonus: 0, fromText: true)]
        #expect(tagger.pick(taskVector: [1, 0, 0], pool: withText, vectors: vectors, knownTags: [], removed: []).map(\.tag) == ["passport", "office"])
    }

    /// Of two phrases as close to the task, the one people file by (a labelled task's tag) comes
    /// first, and it alone clears the bar for a third tag; without the bonus the text's order decides.
    @Test func aTagPeopleFileByBeatsAnEquallyCloseFragment() {
        let pool = [Tagger.Entry(phrase: "passport", bonus: 1, fromText: true), Tagger.Entry(phrase: "flexible", bonus: 0, fromText: true),
                    Tagger.Entry(phrase: "travel", bonus: 0, fromText: true), Tagger.Entry(phrase: "left", bonus: 0, fromText: true)]
        let vectors: [[Float]] = [[1, 0, 0], [0.3, 0.95, 0], [0.3, 0, 0.95], [0.3, -0.95, 0]]
        func pick(_ settings: TagSettings) -> [String] {
            Tagger(settings: settings).pick(taskVector: [1, 0, 0], pool: pool, vectors: vectors, knownTags: [], filedCounts: ["travel": 1], removed: []).map(\.tag)
        }
        var settings = TagSettings()
        #expect(pick(settings) == ["passport", "travel"], "no third tag: the fragments' 0.3 is below minimumRelevance")
        // Without the bonus, and without the learned ranking (which knows filed tags too), the text's order decides.
        settings.filedTagBonus = 0
        settings.learnedWeight = 0
        #expect(pick(settings) == ["passport", "flexible"])
    }

    /// What the learned ranking reads of each candidate: where it came from, its place in the text
    /// and by similarity, how far below the best it is, how many labelled tasks carry it.
    @Test func learnedRankingFeaturesSayWhereACandidateCameFrom() {
        let pool = [Tagger.Entry(phrase: "passport", bonus: 1, fromText: true), Tagger.Entry(phrase: "office visit", bonus: 0, fromText: true),
                    Tagger.Entry(phrase: "travel", bonus: 0, fromText: false), Tagger.Entry(phrase: "errands", bonus: 0, fromText: false),
                    Tagger.Entry(phrase: "paperwork", bonus: 0, fromText: false, support: 0.4, borrowed: true)]
        let keys = pool.map { TextFeatures.tagKey($0.phrase) }
        let f = Tagger.features(pool: pool, keys: keys, cosines: [0.6, 0.2, 0.5, 0.3, 0.4], filedCounts: ["paperwork": 12, "travel": 3],
                                knownKeys: ["errand"])
        #expect(f.map(\.title) == [true, false, false, false, false] && f.map(\.description) == [false, true, false, false, false])
        #expect(f.map(\.lexicon) == [false, false, true, false, false], "a user's tag is not a lexicon tag")
        #expect(f.map(\.borrowed) == [false, false, false, false, true] && f[4].support == 0.4)
        #expect(f.map(\.twoWords) == [false, true, false, false, false])
        #expect(f.map(\.textPosition) == [0, log1p(1), 0, 0, 0])
        #expect(f.map(\.similarityRank) == [0, log1p(4), log1p(1), log1p(3), log1p(2)])
        #expect(abs(f[1].belowBest - -0.4) < 1e-12 && f[0].belowBest == 0)
        #expect(f.map(\.filed) == [false, false, true, false, true] && f[4].filedCount == log1p(12))
    }

    /// The learned term reorders what the rules tie: of two phrases as close, as filed and as long,
    /// the one the ranking prefers comes first; with its weight at 0 the text's order decides.
    @Test func theLearnedTermRanksWhatTheRulesTie() {
        let pool = [Tagger.Entry(phrase: "trip", bonus: 0, fromText: true), Tagger.Entry(phrase: "travel", bonus: 0, fromText: true)]
        let vectors: [[Float]] = [[0.8, 0.6, 0], [0.8, 0, 0.6]]
        var settings = TagSettings()
        settings.count = 1
        settings.ranking = TagRanking(intercept: 0, cosine: 0, belowBest: 0, title: 0, description: 0, lexicon: 0, borrowed: 0, support: 0,
                                      twoWords: 0, textPosition: 0, filedCount: 1, filed: 0, similarityRank: 0)
        func pick(_ settings: TagSettings) -> [Tagger.Pick] {
            Tagger(settings: settings).pick(taskVector: [1, 0, 0], pool: pool, vectors: vectors, knownTags: [],
                                            filedCounts: ["trip": 2, "travel": 40], removed: [])
        }
        let learned = pick(settings)
        #expect(learned.map(\.tag) == ["travel"])
        #expect(abs(learned[0].score - (0.8 + settings.filedTagBonus + settings.learnedWeight * log1p(40))) < 1e-6, "the score is the rank")
        settings.learnedWeight = 0
        #expect(pick(settings).map(\.tag) == ["trip"])
    }

    @Test func evaluationCountsMatchingTagsOnce() {
        // Case and plural do not matter; one tag matching twice counts once.
        #expect(Evaluation.matchingTags(["Hiking Boots", "hiking boot", "trip", "gear"], expected: ["hiking boots", "Trips", "scotland"]) == 2)
        #expect(Evaluation.matchingTags(["gear"], expected: ["hiking"]) == 0)
    }

    /// The ASCII path of `tagKey` gives what the Character path gives, on every kind of byte.
    @Test func asciiTagKeysAreTheGeneralRulesOnBytes() {
        var rng = SeededGenerator(seed: 5)
        let alphabet = Array("abcsyiuxhABSYZ09 '.-,\t\r\n/#_")
        var cases = ["Hiking  Boots", "batteries", "glass", "bus", "e-bike", "--a--", "'s", "Taxes...", "DISHES", "it's", "a.b.c.", "\r\n", ""]
        for _ in 0..<2_000 { cases.append(String((0..<Int.random(in: 0...14, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })) }
        for tag in cases {
            #expect(TextFeatures.asciiTagKey(tag) == TextFeatures.words(tag).map(TextFeatures.singular).joined(separator: " "), "\(tag.debugDescription)")
        }
        #expect(TextFeatures.asciiTagKey("café") == nil)
    }

    @Test func textFeatures() {
        #expect(TextFeatures.tagKey("Hiking  Boots") == "hiking boot")
        #expect(TextFeatures.tagKey("batteries") == "battery" && TextFeatures.tagKey("glass") == "glass" && TextFeatures.tagKey("bus") == "bus")
        #expect(TextFeatures.words("E-bike: research (smartlist.io)!") == ["e-bike", "research", "smartlist.io"])
        #expect(TextFeatures.clauses("Call GP. Rash spreading; itchy at night\nbook soon") == ["Call GP", "Rash spreading", "itchy at night", "book soon"])
        // A text without punctuation is phrases of at most 40 words, the first 12 of them.
        let log = (0..<100_000).map { "w\($0)" }.joined(separator: " ")
        let pieces = TextFeatures.clauses(log)
        #expect(pieces.count == 12 && pieces.allSatisfy { $0.split(separator: " ").count == 40 })
        #expect(pieces[0].hasPrefix("w0 w1 ") && pieces[1].hasPrefix("w40 w41 ") && pieces[11].hasSuffix(" w479"))
        #expect(TextFeatures.searchStem("decluttering") == "declutter" && TextFeatures.searchStem("gear") == "gear")
    }
}
