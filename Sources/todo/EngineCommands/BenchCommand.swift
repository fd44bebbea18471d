import ArgumentParser
import Foundation
import JSONReader
import Inference
import Tokenizers

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Smart TODO's speed side by side with the Hugging Face reference.",
        discussion: """
        Build in release mode first (swift build -c release). The reference side runs in \
        the venv that Tools/bench/setup.sh creates (.venv-bench), or the Python given by \
        --python / SMART_TODO_BENCH_PYTHON; without one, only our figures are printed.

        Tokenizer: the same corpus of to-do texts, encoded one text at a time on one \
        thread by ours and by Hugging Face `tokenizers`; throughputs and their ratio; and \
        whether time grows linearly with the input (4× the text: 4× the time).

        Embeddings (all-MiniLM-L6-v2, or the bundle --model names, such as \
        Weights/all-mpnet-base-v2): 1 short sentence, 32 short sentences, 1 text of \
        one full window (256 tokens; 384 for all-mpnet-base-v2), 1 text of 2,000 \
        tokens (windowed); bundle load time; peak RSS. Median and p95 in \
        milliseconds, with --threads threads; the reference runs the same encoder in \
        PyTorch (transformers) and ONNX Runtime on the same inputs, window rule and \
        thread count (Tools/bench/embedding_reference.py).

        Search: 100,000 synthetic tasks; a new query each time (embedded, then one \
        matrix–vector product and the keyword re-rank); also the index load a fresh \
        `todo search` process pays. Add: `todo add` as fresh processes, new text (model \
        load + inline enrichment) and cached text, against `todo list` as the baseline, and the peak RSS of an add process.

        Scale: databases of 100, 10,000 and 100,000 tasks (imported, a third filed and \
        tagged by their user, a tenth done, all in the search index); list --limit 20, \
        show, add (inline AI), stats, search and done as fresh processes, the median of \
        9 at each size, ending with a table. Commands that touch a few tasks should cost \
        the same at every size.

        Zero-shot (nli): 6 labels, premises of 24 and 200 tokens, on random-weight \
        models of cross-encoder/nli-distilroberta-base's shape (RoBERTa, 6 layers, 768 \
        wide) and facebook/bart-large-mnli's (12+12 layers, 1024 wide; 1.6 GB written to \
        a temporary directory); the reference is transformers' ZeroShotClassificationPipeline \
        on the same shapes, tokenizer, inputs and threads (Tools/bench/nli_reference.py).

        Examples:
          bash Tools/bench/setup.sh && .build/release/todo bench
          .build/release/todo bench --json | tail -1
          .build/release/todo bench --only scale
          .build/release/todo bench --only serve
          .build/release/todo bench --only serve --db postgres://smarttodo@127.0.0.1:5432/bench
          .build/release/todo bench --only embed --model Weights/all-mpnet-base-v2
        """
    )

    @Option(help: "Tokenizer to measure (file or directory). Default: the all-MiniLM-L6-v2 bundle.")
    var tokenizer: String?

    @Option(help: "Python of the reference venv.")
    var python: String?

    @Option(parsing: .unconditional, help: "Passes over the corpus; the best counts.")
    var passes: Int = 3

    @Flag(help: "End with one JSON object of all figures.")
    var json = false

    @Option(help: "Embedding model bundle (default: Weights/all-MiniLM-L6-v2).")
    var model: String?

    @Option(help: "Only these sections: tokenizer, embed, search, add, nli, scale, serve, serve-scale (comma-separated; the last three are left out unless named; serve includes serve-scale).")
    var only: String?

    @Option(help: ArgumentHelp("With serve: the same load on `todo serve` over this PostgreSQL database, 1 and 2 replicas, beside the SQLite server (instead of the unbatched server, the Python peer and the 100,000-task rows).",
                               discussion: "Use a throw-away database: the bench adds an account (revoked at the end) and its tasks.", valueName: "postgres-url"))
    var db: String?

    @Flag(name: .customLong("keep"), help: "With scale or serve: leave their databases in the temporary folder, to look into.")
    var keepDatabases = false

    @OptionGroup var engine: EngineOptions

    func validate() throws {
        guard passes >= 1 else { throw ValidationError("--passes must be 1 or more.") }
    }

    func run() throws {
        let threads = try engine.applyThreads()
        let sections = Set((only ?? "tokenizer,embed,search,add,nli").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        var report = BenchReport()
        let reference = ReferenceRunner.locate(explicit: python, packageRoot: DefaultPaths.packageRoot)
        if reference == nil {
            Console.error("no reference venv: run `bash Tools/bench/setup.sh` to measure Hugging Face, PyTorch and ONNX Runtime side by side")
        }
        if sections.contains("tokenizer") { try benchTokenizer(&report, reference: reference) }
        if sections.contains("embed") { try benchEmbeddings(&report, reference: reference, threads: threads) }
        // Before the zero-shot section, whose synthetic 330 MB model would dominate it.
        if sections.contains("tokenizer") || sections.contains("embed") {
            report.add("peak_rss_mb", peakResidentMegabytes(), "peak RSS (tokenizer and embeddings)", unit: "MiB")
        }
        if sections.contains("search") { try benchSearch(&report) }
        if sections.contains("add") { try benchAdd(&report) }
        if sections.contains("nli") { try benchZeroShot(&report, reference: reference, threads: threads) }
        if sections.contains("scale") { try benchScale(&report) }
        if sections.contains("serve") { try benchServe(&report, reference: reference, threads: threads) } else if sections.contains("serve-scale") { try benchServeAtScale(&report, threads: threads) }
        report.print(json: json)
    }

    private func benchTokenizer(_ report: inout BenchReport, reference: ReferenceRunner?) throws {
        let tokenizerPath = tokenizer ?? DefaultPaths.defaultTokenizer.path
        let tok: Tokenizer
        do { tok = try Tokenizer.load(from: tokenizerPath) } catch {
            throw CommandFailure("Cannot load the tokenizer at \(tokenizerPath): \(error.localizedDescription)\nFetch weights with `bash Tools/fetch-weights.sh` or pass --tokenizer.")
        }
        let texts = BenchCorpus.texts()
        let bytes = texts.reduce(0) { $0 + $1.utf8.count }
        Console.error("tokenizer: \(texts.count) texts, \(bytes / 1024) KiB, \(passes) passes, 1 thread")

        var ours = Double.infinity, tokens = 0
        for _ in 0..<passes {
            let start = DispatchTime.now().uptimeNanoseconds
            var n = 0
            for t in texts { n += try tok.encode(t).count }
            ours = min(ours, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            tokens = n
        }
        report.add("tokenizer_ours_mb_s", Double(bytes) / ours / 1e6, "tokenizer (ours)", unit: "MB/s")
        report.add("tokenizer_ours_tokens_s", Double(tokens) / ours, "tokenizer (ours)", unit: "tokens/s")
        // Linear in the length: 4× the input should take 4× the time (a quadratic step, 16×).
        // Best of three each, in turns, so the same neighbours slow both.
        for (key, label, make) in [("tokenizer_scaling_text", "tokenizer: time of 10 MB ÷ time of 2.5 MB (text)", BenchCorpus.document),
                                   ("tokenizer_scaling_one_word", "tokenizer: time of 1 MB ÷ time of 250 KB (no spaces)", BenchCorpus.oneWord)] {
            let largeBytes = key.hasSuffix("text") ? 10_000_000 : 1_000_000
            let small = make(largeBytes / 4), large = make(largeBytes)
            var best = (small: Double.infinity, large: Double.infinity)
            for _ in 0..<3 {
                best.small = min(best.small, try Timing.measure(iterations: 1, warmup: 0) { _ = try tok.encode(small) }.median)
                best.large = min(best.large, try Timing.measure(iterations: 1, warmup: 0) { _ = try tok.encode(large) }.median)
            }
            report.add(key, best.large / best.small, label, unit: "×")
        }

        if let reference {
            let jsonFile = try tokenizerJSONPath(tokenizerPath)
            let corpus = FileManager.default.temporaryDirectory.appendingPathComponent("smart-todo-bench-corpus-\(getpid()).jsonl")
            defer { try? FileManager.default.removeItem(at: corpus) }
            try texts.map { try JSONOutput.line(["text": $0]) }.joined(separator: "\n").write(to: corpus, atomically: true, encoding: .utf8)
            let result = try reference.run("tokenizer_reference.py", ["--tokenizer", jsonFile, "--corpus", corpus.path, "--passes", String(passes)])
            let theirs = result["seconds"]!.value
            if Int(result["tokens"]!.value) != tokens {
                Console.error("warning: token counts differ (ours \(tokens), reference \(Int(result["tokens"]!.value)))")
            }
            report.add("tokenizer_hf_mb_s", Double(bytes) / theirs / 1e6, "tokenizer (HF tokenizers)", unit: "MB/s")
            report.add("tokenizer_hf_tokens_s", Double(tokens) / theirs, "tokenizer (HF tokenizers)", unit: "tokens/s")
            report.add("tokenizer_speedup_vs_hf", theirs / ours, "tokenizer ours ÷ HF (throughput ratio)", unit: "×")
        }
    }

    private func benchEmbeddings(_ report: inout BenchReport, reference: ReferenceRunner?, threads: Int) throws {
        let directory = model.map { URL(fileURLWithPath: $0) } ?? DefaultPaths.defaultEmbeddingModel
        let load = try Timing.measure(iterations: 20, warmup: 1) { _ = try SentenceEmbedder(bundle: ModelBundle(directory: directory)) }
        let embedder = try SentenceEmbedder(bundle: ModelBundle(directory: directory))
        let tok = embedder.bundle.tokenizer
        // One full window: 256 tokens with [CLS] and [SEP] for all-MiniLM-L6-v2, 384 with <s> and </s> for all-mpnet-base-v2.
        let window = embedder.windowWidth + tok.specialTokenCount(pair: false)
        let longWindow = EmbeddingWorkloads.text(tokens: embedder.windowWidth, tokenizer: tok)
        let long2000 = EmbeddingWorkloads.text(tokens: 2000, tokenizer: tok)
        Console.error("embeddings: \(embedder.bundle.config.name), \(threads) thread(s)")
        let workloads: [(key: String, label: String, texts: [String], iterations: Int)] = [
            ("embed_short_ms", "embed 1 short sentence", [EmbeddingWorkloads.shortSentence], 200),
            ("embed_batch32_ms", "embed 32 short sentences", EmbeddingWorkloads.shortSentences, 50),
            ("embed_long\(window)_ms", "embed 1 text of \(window) tokens", [longWindow], 50),
            ("embed_long2000_ms", "embed 1 text of 2,000 tokens", [long2000], 10),
        ]
        var ours: [String: Double] = [:]
        for w in workloads {
            let t = try Timing.measure(iterations: w.iterations) { _ = try embedder.embed(w.texts) }
            ours[w.key] = t.median
            report.add(w.key, t.median, "\(w.label) (ours, median)", unit: "ms")
            report.add(w.key.replacingOccurrences(of: "_ms", with: "_p95_ms"), t.p95, "\(w.label) (ours, p95)", unit: "ms")
        }
        report.add("load_ms", load.median, "bundle load (ours, median)", unit: "ms")
        guard let reference else { return }
        let inputs = FileManager.default.temporaryDirectory.appendingPathComponent("smart-todo-bench-embed-\(getpid()).json")
        defer { try? FileManager.default.removeItem(at: inputs) }
        var spec: [String: [String]] = [:]
        for w in workloads { spec[w.key] = w.texts }
        try JSONOutput.line(spec).write(to: inputs, atomically: true, encoding: .utf8)
        let result: [String: JSONNumber]
        do {
            result = try reference.run("embedding_reference.py", ["--model", directory.path, "--inputs", inputs.path, "--threads", String(threads)])
        } catch {
            Console.error("warning: the PyTorch/ONNX Runtime reference failed; run `bash Tools/bench/setup.sh`. \(error)")
            return
        }
        for (engine, label) in [("torch", "PyTorch"), ("onnx", "ONNX Runtime")] {
            for w in workloads {
                guard let theirs = result["\(engine)_\(w.key)"]?.value, let mine = ours[w.key] else { continue }
                report.add("\(engine)_\(w.key)", theirs, "\(w.label) (\(label), median)", unit: "ms")
                report.add("speedup_vs_\(engine)_\(w.key.replacingOccurrences(of: "_ms", with: ""))", theirs / mine, "  ours faster than \(label) by", unit: "×")
            }
        }
    }

    private func benchZeroShot(_ report: inout BenchReport, reference: ReferenceRunner?, threads: Int) throws {
        let tokenizerFile = DefaultPaths.packageRoot.appendingPathComponent("Tests/TokenizersTests/Fixtures/roberta-style-bpe/tokenizer.json")
        let labels = ["Work", "Personal", "Learning", "Health", "Shopping", "Finance"]
        for shape in [SyntheticNLIBundle.Shape.distilRoBERTa, .bartLargeMNLI] {
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("smart-todo-bench-\(shape.rawValue)-\(getpid())")
            defer { try? FileManager.default.removeItem(at: scratch) }
            Console.error("zero-shot: writing a random-weight \(shape.rawValue)-shaped NLI bundle …")
            let classifier = try ZeroShotClassifier(bundle: ModelBundle(directory: SyntheticNLIBundle.make(shape, in: scratch, tokenizer: tokenizerFile)))
            let key = shape == .distilRoBERTa ? "nli_roberta" : "nli_bart"
            var workloads: [(key: String, tokens: Int, text: String)] = []
            for tokens in [24, 200] {
                workloads.append(("\(key)_\(tokens)_ms", tokens, EmbeddingWorkloads.text(tokens: tokens, tokenizer: classifier.bundle.tokenizer)))
            }
            var ours: [String: Double] = [:]
            for w in workloads {
                let t = try Timing.measure(iterations: shape == .bartLargeMNLI ? 8 : 30, budget: 20) { _ = try classifier.classify(w.text, labels: labels) }
                ours[w.key] = t.median
                report.add(w.key, t.median, "zero-shot \(shape.rawValue), \(w.tokens)-token premise (ours)", unit: "ms")
            }
            guard let reference else { continue }
            let inputs = scratch.appendingPathComponent("workloads.json")
            var spec: [String: JSONValue] = [:]
            for w in workloads { spec[w.key] = .object(["text": .string(w.text), "labels": .array(labels.map { .string($0) })]) }
            try JSONEncoder().encode(JSONValue.object(spec)).write(to: inputs)
            do {
                let result = try reference.run("nli_reference.py", ["--shape", shape.rawValue, "--tokenizer", tokenizerFile.path,
                                                                    "--inputs", inputs.path, "--threads", String(threads)])
                for w in workloads {
                    guard let theirs = result["torch_\(w.key)"]?.value, let mine = ours[w.key] else { continue }
                    report.add("torch_\(w.key)", theirs, "  PyTorch pipeline, same shape and input", unit: "ms")
                    report.add("speedup_vs_torch_\(w.key.replacingOccurrences(of: "_ms", with: ""))", theirs / mine, "  ours faster than PyTorch by", unit: "×")
                }
            } catch {
                Console.error("warning: the PyTorch zero-shot reference failed; run `bash Tools/bench/setup.sh`. \(error)")
            }
        }
    }

    /// The reference reads tokenizer.json; a directory bundle holds one.
    private func tokenizerJSONPath(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let file = isDirectory.boolValue ? URL(fileURLWithPath: path).appendingPathComponent("tokenizer.json").path : path
        guard file.hasSuffix(".json"), FileManager.default.fileExists(atPath: file) else {
            throw CommandFailure("The reference side needs a tokenizer.json; \(path) has none.")
        }
        return file
    }
}

/// Figures of one benchmark run, printed as a table and optionally as JSON.
struct BenchReport {
    private(set) var rows: [(key: String, label: String, value: Double, unit: String)] = []

    mutating func add(_ key: String, _ value: Double, _ label: String, unit: String) {
        rows.append((key, label, value, unit))
    }

    func print(json: Bool) {
        for row in rows {
            Console.out("\(row.label.padded(to: 52)) \(format(row.value)) \(row.unit)")
        }
        if json {
            var object: [String: Double] = [:]
            for row in rows { object[row.key] = (row.value * 1000).rounded() / 1000 }
            Console.out((try? JSONOutput.line(object)) ?? "{}")
        }
    }

    private func format(_ v: Double) -> String {
        v >= 100 ? String(Int(v.rounded())) : String(format: "%.2f", v)
    }
}
