import ArgumentParser
import Foundation
import Inference

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Turn texts into unit vectors (all-MiniLM-L6-v2: 384 dimensions; all-mpnet-base-v2: 768).",
        discussion: """
        Long texts are never truncated: beyond the model's window (256 tokens; 384 for \
        all-mpnet-base-v2) they are split into overlapping windows whose vectors are \
        averaged (weighted by their token counts); the output says how many windows a \
        text used. all-mpnet-base-v2 is installed on request: `todo models install \
        all-mpnet-base-v2`.

        Examples:
          todo embed "Renew passport" "Book flights to Lisbon"
          todo embed --model Weights/all-mpnet-base-v2 "Renew passport"
          todo embed "Pay rent" --json
          todo embed --batch texts.jsonl --json
            (each input line {"text": "…"}; each output line {"vector": […], "windows": n})
        """
    )

    @Argument(help: "Texts to embed (omit with --batch).")
    var texts: [String] = []

    @Option(help: ArgumentHelp("JSON Lines file of {\"text\": …} objects; - reads standard input.", valueName: "file.jsonl"))
    var batch: String?

    @Option(help: "Model bundle directory (default: Weights/all-MiniLM-L6-v2; also Weights/all-mpnet-base-v2).")
    var model: String?

    @Flag(help: "Print one JSON object per text: {\"vector\": […], \"windows\": n}.")
    var json = false

    @OptionGroup var engine: EngineOptions

    func validate() throws {
        if texts.isEmpty && batch == nil { throw ValidationError("Give one or more TEXTs, or --batch FILE.jsonl.") }
        if !texts.isEmpty && batch != nil { throw ValidationError("Give TEXTs or --batch, not both.") }
    }

    func run() throws {
        _ = try engine.applyThreads()
        let embedder = try SentenceEmbedder(bundle: openEmbeddingBundle(model))
        let inputs = try batch.map(readBatch) ?? texts
        // Bounded chunks keep memory flat on huge batch files; progress on standard error
        // for long work (many texts, or a text of many windows).
        let progress = ProgressLine("embedding", quietFor: 2)
        let windows = EnrichmentSession.longTextProgress("embedding")
        var start = 0
        while start < inputs.count {
            let end = min(start + 256, inputs.count)
            let embedded = try embedder.embed(Array(inputs[start..<end]), progress: windows.report)
            if inputs.count > 256 { progress.update(end, inputs.count) }
            for (text, e) in zip(inputs[start..<end], embedded) {
                if json {
                    Console.out(try JSONOutput.line(EmbeddingOutput(vector: e.vector, windows: e.windows)))
                } else {
                    let head = e.vector.prefix(6).map { String(format: "%+.4f", $0) }.joined(separator: " ")
                    Console.out("[\(head) …] \(e.vector.count) dims, \(e.windows) window\(e.windows == 1 ? "" : "s")  \(text.prefix(60).debugDescription)")
                }
            }
            start = end
        }
    }

    private func readBatch(_ path: String) throws -> [String] {
        struct Line: Decodable { var text: String }
        return try JSONLines.read(path, as: Line.self, expected: "{\"text\": …}").map(\.value.text)
    }
}

struct EmbeddingOutput: Encodable {
    var vector: [Float]
    var windows: Int
}
