import Foundation
import TestSupport
import Testing
@testable import TaskService

/// No text a task holds reaches the terminal raw, from any command: escape sequences, BEL, C1
/// controls and bidirectional overrides are shown as U+FFFD, and in JSON as \u escapes.
@Suite struct TerminalSafetyTests {
    let cli = TodoCLI()
    let env = ["SMART_TODO_WEIGHTS": PackagePaths.weights.path]
    func todo(_ args: [String], stdin: Data? = nil) throws -> TodoCLI.Run { try cli.todo(args, stdin: stdin, environment: env) }

    /// Each hostile character: ESC (with the sequence that clears the screen), BEL, the C1
    /// control CSI, DEL, right-to-left override and a first-strong isolate.
    static let hostile = ["\u{1B}[2J", "\u{7}", "\u{9B}31m", "\u{7F}", "\u{202E}", "\u{2066}"]
    static let forbidden: [Unicode.Scalar] = ["\u{1B}", "\u{7}", "\u{9B}", "\u{7F}", "\u{202E}", "\u{2066}"]

    func expectClean(_ r: TodoCLI.Run, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for scalar in Self.forbidden {
            #expect(!r.out.unicodeScalars.contains(scalar) && !r.err.unicodeScalars.contains(scalar),
                    "\(what) printed U+\(String(scalar.value, radix: 16, uppercase: true))", sourceLocation: sourceLocation)
        }
    }

    @Test func everyCommandShowsHostileTextHarmlessly() throws {
        let evil = Self.hostile.joined(separator: "x")
        let added = try todo(["add", "Pay rent \(evil)", "--description", "notes \(evil)\nsecond line", "--category", "Home\(evil)",
                              "--tag", "t\(evil)", "--due", "tomorrow"])
        #expect(added.status == 0, "\(added.err)")
        expectClean(added, "add")
        _ = try todo(["add", "Pay the rent for December \(evil)"])
        let stored = try JSONSerialization.jsonObject(with: Data(try todo(["show", "1", "--json"]).out.utf8)) as! [String: Any]
        #expect(stored["title"] as? String == "Pay rent \(evil)", "the stored text is unchanged")
        let commands: [[String]] = [
            ["list"], ["list", "--json"], ["list", "--status", "all"], ["show", "1"], ["show", "1", "--json"],
            ["search", "rent"], ["search", "rent", "--json"], ["search", "rent \(evil)"], ["similar", "1"], ["similar", "1", "--json"],
            ["explain", "1"], ["explain", "1", "--json"], ["enrich", "1"], ["enrich", "1", "--json"], ["stats"], ["stats", "--json"],
            ["export"], ["edit", "1", "--remove-tag", "nope\(evil)"], ["edit", "1", "--add-tag", "more\(evil)"], ["edit", "1", "--json", "--title", "t \(evil)"],
            ["done", "1"], ["reopen", "1"], ["done", "1", "--json"], ["undo"], ["undo", "--json"], ["delete", "2"], ["undo"],
            ["add", "x", "--due", "when \(evil)"], ["add", "x", "--priority", "p\(evil)"], ["list", "--category", "c\(evil)"],
            ["list", "--\(evil)"], ["show", "x\(evil)"], ["cache", "stats"],
            ["tokenize", "tok \(evil)"], ["tokenize", "tok \(evil)", "--json"], ["embed", "emb \(evil)"],
        ]
        for args in commands {
            let r = try todo(args)
            expectClean(r, "todo " + args.joined(separator: " "))
        }
        // Lines of an import that quote what they refuse.
        for line in ["{\"title\": \"a\", \"priority\": \"p\(evil)\"}", "{\"title\": \"a\", \"due\": \"d\(evil)\"}",
                     "{\"title\": \"a\", \"uuid\": \"u\(evil)\"}", "{\"title\": \"a\", \"status\": \"s\(evil)\"}"] {
            let r = try todo(["import", "-"], stdin: Data(line.utf8))
            #expect(r.status == 1)
            expectClean(r, "import \(line)")
        }
        // JSON keeps the value: the escapes decode to the stored text.
        let listed = try JSONSerialization.jsonObject(with: Data(try todo(["list", "--json", "--status", "all"]).out.utf8)) as! [[String: Any]]
        #expect(listed.contains { ($0["category"] as? String) == "Home\(evil)" })
    }

    @Test func terminalTextReplacesOnlyWhatMustNotReachATerminal() {
        let kept = "Zoë’s café — 10 € · “quoted” … ✔ עברית العربية 日本語 🎉 ½ ¿"
        #expect(Self.render(kept) == kept)
        // (A title's line breaks and tabs are shown as spaces: a list line stays one line.)
        #expect(Self.render("a\u{1B}[31mb\u{7}c\u{9B}d\u{202E}e\u{2069}f\u{85}g\tz") == "a\u{FFFD}[31mb\u{FFFD}c\u{FFFD}d\u{FFFD}e\u{FFFD}f\u{FFFD}g z")
    }

    /// What `todo add` prints back for a title, in a fresh database (the sink is in the executable).
    static func render(_ text: String) -> String {
        guard let out = try? TodoCLI().todo(["add", text, "--async"]).out, out.hasPrefix("Added task 1: ") else { return "(failed)" }
        return String(out.dropFirst("Added task 1: ".count).dropLast())
    }
}
