import Foundation
import TestSupport
import Testing

/// `todo models` says which embedding model enrichment and search use, and which one `todo add`
/// enriches with in the background.
@Suite struct ModelsListTests {
    @Test func eachEmbeddingModelSaysWhatItIsUsedFor() throws {
        let weights = PackagePaths.weights
        try #require(FileManager.default.fileExists(atPath: weights.appendingPathComponent("all-mpnet-base-v2/config.json").path),
                     "all-mpnet-base-v2 is needed: bash Tools/fetch-weights.sh all-mpnet-base-v2")
        let cli = TodoCLI()
        let env = ["SMART_TODO_WEIGHTS": weights.path]
        func rows(_ args: [String]) throws -> [String: [String: Any]] {
            let r = try cli.todo(["models", "--json"] + args, environment: env)
            let list = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]], "\(r.out)\(r.err)")
            return Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as! String, $0) })
        }
        let plain = try rows([])
        #expect(plain["all-MiniLM-L6-v2"]?["used_for"] as? [String] == ["enrichment", "search"])
        #expect(plain["all-mpnet-base-v2"]?["used_for"] as? [String] == [])
        #expect(plain["all-MiniLM-L6-v2"]?["enriches_inline"] as? Bool == true)
        #expect(plain["all-mpnet-base-v2"]?["enriches_inline"] as? Bool == false)
        #expect(plain["all-mpnet-base-v2"]?["parameters"] as? Int == 109_486_464)
        let split = try rows(["--search-model", "all-mpnet-base-v2"])
        #expect(split["all-MiniLM-L6-v2"]?["used_for"] as? [String] == ["enrichment"])
        #expect(split["all-mpnet-base-v2"]?["used_for"] as? [String] == ["search"])
        let text = try cli.todo(["models", "--model", "all-mpnet-base-v2"], environment: env).out
        #expect(text.contains("[used for enrichment and search]  (`todo add` enriches with it in the background)"), "\(text)")
        #expect(try cli.todo(["models", "--model", "no-such-model"], environment: env).err.contains("Unknown embedding model 'no-such-model'"))
    }
}
