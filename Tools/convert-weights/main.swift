import ArgumentParser
import Foundation
import Tokenizers

/// Turns a Hugging Face checkpoint directory into a Smart TODO bundle.
@main
struct ConvertWeights: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert-weights",
        abstract: "Convert a Hugging Face checkpoint directory into a Smart TODO model bundle.",
        discussion: """
        Reads IN_DIR (config.json, weights, tokenizer files) and writes OUT_DIR.
        This version converts and validates the tokenizer: it loads the tokenizer
        files with Smart TODO's own tokenizers (so a broken file is reported here,
        naming the file and line), then copies them into OUT_DIR.

        Example:
          convert-weights ~/checkpoints/all-MiniLM-L6-v2 Weights/all-MiniLM-L6-v2
        """
    )

    @Argument(help: "Hugging Face checkpoint directory.")
    var inputDirectory: String

    @Argument(help: "Bundle directory to write (created if missing).")
    var outputDirectory: String

    static let tokenizerFiles = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt", "vocab.json", "merges.txt"]

    func run() throws {
        let input = URL(fileURLWithPath: inputDirectory)
        let output = URL(fileURLWithPath: outputDirectory)
        let tokenizer = try Tokenizer.load(from: input.path)
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        var copied: [String] = []
        for name in Self.tokenizerFiles where FileManager.default.fileExists(atPath: input.appendingPathComponent(name).path) {
            let destination = output.appendingPathComponent(name)
            try? FileManager.default.removeItem(at: destination)
            try FileManager.default.copyItem(at: input.appendingPathComponent(name), to: destination)
            copied.append(name)
        }
        // The copy must load exactly like the original.
        let check = try Tokenizer.load(from: output.path)
        let probe = "Smart TODO checks its tokenizer: Café, 東京, 🙂."
        guard try check.encode(probe).ids == tokenizer.encode(probe).ids else {
            throw ValidationError("The copied tokenizer in \(output.path) encodes differently from \(input.path).")
        }
        print("tokenizer: \(tokenizer.vocabulary.count) tokens; copied \(copied.joined(separator: ", ")) to \(output.path)")
    }
}
