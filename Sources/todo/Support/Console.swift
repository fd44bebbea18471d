import Foundation

/// The one way `todo` writes: every line of every command — tables, messages, JSON, errors —
/// goes through `TerminalText.safe`, so no text a task holds can take over the terminal,
/// whichever command prints it.
enum Console {
    /// A line on standard output.
    static func out(_ text: String) {
        print(TerminalText.safe(text))
    }

    /// A line on standard error, for messages that must not mix with `--json` output.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((TerminalText.safe(text) + "\n").utf8))
    }
}
