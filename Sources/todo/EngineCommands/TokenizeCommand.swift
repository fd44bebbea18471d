import ArgumentParser
import Foundation
import Tokenizers

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Show how a text (or a pair of texts) is split into tokens.",
        discussion: """
        Prints each token with its id, type id and offsets (in Unicode code points of \
        the input, as Hugging Face's Python API reports them). Nothing is truncated \
        unless you pass --max-length; what truncation drops is reported.

        Examples:
          todo tokenize "Café naïve Québec"
          todo tokenize "premise text" --pair "This example is urgent." --json
          todo tokenize --tokenizer Weights/all-MiniLM-L6-v2 --batch inputs.jsonl --json
            (each input line: {"text": "…", "pair": "…"}, pair optional;
             each output line: {"tokens": […], "ids": […], "type_ids": […], "offsets": [[start, end], …]})
          todo tokenize "a long text" --max-length 8 --truncation longest_first
        """
    )

    @Argument(help: "The text to tokenize (omit with --batch).")
    var text: String?

    @Option(help: "A second text, encoded as a pair.")
    var pair: String?

    @Option(help: ArgumentHelp("Tokenizer file or directory (tokenizer.json, vocab.txt, or vocab.json + merges.txt).",
                               discussion: "Default: the all-MiniLM-L6-v2 bundle in Weights/."))
    var tokenizer: String?

    @Option(help: ArgumentHelp("JSON Lines file of {\"text\": …, \"pair\": …} objects; - reads standard input.", valueName: "file.jsonl"))
    var batch: String?

    @Flag(help: "Print JSON: one object per input.")
    var json = false

    @Flag(help: "Leave out special tokens such as [CLS] and [SEP].")
    var noSpecialTokens = false

    @Option(help: "Truncate to this many tokens (special tokens included); dropped tokens are reported.")
    var maxLength: Int?

    @Option(help: "Truncation strategy: longest_first, only_first or only_second.")
    var truncation: String = "longest_first"

    @Option(help: "Overlap between consecutive truncated parts, in tokens.")
    var stride: Int = 0

    func validate() throws {
        if batch == nil && text == nil { throw ValidationError("Give a TEXT to tokenize, or --batch FILE.jsonl.") }
        if batch != nil && (text != nil || pair != nil) { throw ValidationError("--batch reads texts from the file; do not also pass TEXT or --pair.") }
        if Truncation.Strategy(rawValue: truncation) == nil {
            throw ValidationError("Unknown truncation strategy '\(truncation)'; use longest_first, only_first or only_second.")
        }
        if let maxLength, maxLength < 0 { throw ValidationError("--max-length must be 0 or more.") }
    }

    func run() throws {
        var tok = try loadTokenizer()
        if let maxLength { tok.truncation = Truncation(maxLength: maxLength, strategy: Truncation.Strategy(rawValue: truncation)!, stride: stride) }
        if let batch {
            try runBatch(tok, path: batch)
            return
        }
        let encoding = try tok.encode(text!, pair: pair, addSpecialTokens: !noSpecialTokens)
        if json {
            Console.out(try JSONOutput.line(TokenizedOutput(encoding)))
        } else {
            printTable(encoding)
        }
    }

    private func loadTokenizer() throws -> Tokenizer {
        let path = tokenizer ?? DefaultPaths.defaultTokenizer.path
        do {
            return try Tokenizer.load(from: path)
        } catch TokenizerError.fileNotFound(let missing) where tokenizer == nil {
            throw CommandFailure("""
                No default tokenizer at \(missing).
                Fetch the all-MiniLM-L6-v2 bundle with `bash Tools/fetch-weights.sh`, or pass --tokenizer PATH.
                """)
        }
    }

    private func runBatch(_ tok: Tokenizer, path: String) throws {
        for (lineNumber, input) in try JSONLines.read(path, as: BatchInput.self, expected: "{\"text\": …, \"pair\": …}") {
            let encoding = try tok.encode(input.text, pair: input.pair, addSpecialTokens: !noSpecialTokens)
            if json {
                Console.out(try JSONOutput.line(TokenizedOutput(encoding)))
            } else {
                Console.out("# line \(lineNumber)")
                printTable(encoding)
            }
        }
    }

    private func printTable(_ e: Encoding) {
        Console.out("index  id      type  offsets      token")
        for i in 0..<e.count {
            let offset = "\(e.offsets[i].start)..<\(e.offsets[i].end)"
            Console.out(pad(String(i), 7) + pad(String(e.ids[i]), 8) + pad(String(e.typeIds[i]), 6) + pad(offset, 13) + String(reflecting: e.tokens[i]))
        }
        Console.out("\(e.count) tokens")
        if e.truncatedTokenCount > 0 {
            Console.out("truncated: \(e.truncatedTokenCount) tokens dropped, in \(e.overflowing.count) overflowing part(s)")
        }
    }

    private func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count) }
}

struct BatchInput: Decodable {
    var text: String
    var pair: String?
}

/// The `--json` shape of one encoding.
struct TokenizedOutput: Encodable {
    var tokens: [String]
    var ids: [Int]
    var typeIds: [Int]
    var offsets: [[Int]]
    var truncatedTokens: Int?

    enum CodingKeys: String, CodingKey {
        case tokens, ids, offsets
        case typeIds = "type_ids"
        case truncatedTokens = "truncated_tokens"
    }

    init(_ e: Encoding) {
        tokens = e.tokens
        ids = e.ids
        typeIds = e.typeIds
        offsets = e.offsets.map { [$0.start, $0.end] }
        truncatedTokens = e.truncatedTokenCount > 0 ? e.truncatedTokenCount : nil
    }
}
