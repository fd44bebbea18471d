import ArgumentParser
import Foundation

/// Runs `todo`. ArgumentParser's own `main` would print error messages as they are, and they
/// quote what was typed (an unknown option, a bad value): here they go through `Console`
/// like everything else.
@main
enum Main {
    static func main() async {
        // Read here so that the allocator's settings (made as the program loads) are linked in.
        _ = Allocator.onePaddedHeap
        if let problem = ArgumentBytes.invalidUTF8() {
            Console.error(problem)
            exit(ExitCode.validationFailure.rawValue)
        }
        do {
            var command = try Todo.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = (error as? CommandFailure)?.status?.exitCode ?? Todo.exitCode(for: error)
            var message = Todo.fullMessage(for: error)
            let arguments = Array(CommandLine.arguments.dropFirst())
            if let problem = DashArgument.notAnID(message: message, arguments: arguments) {
                message = "Error: " + problem
            } else if let hint = DashArgument.hint(message: message, arguments: arguments) {
                message += "\n" + hint
            }
            if code == .success { Console.out(message) } else if !message.isEmpty { Console.error(message) }
            exit(code.rawValue)
        }
    }
}

/// The command line's bytes: Swift reads an argument that is not UTF-8 with replacement
/// characters, so a Latin-1 "café" in a title would be stored as "caf\u{FFFD}" — changed
/// without a word, where a description read from a file is refused.
enum ArgumentBytes {
    /// What is wrong with the first argument that is not valid UTF-8, if one is not.
    static func invalidUTF8(_ argv: [UnsafeMutablePointer<CChar>?] = Array(UnsafeBufferPointer(start: CommandLine.unsafeArgv, count: Int(CommandLine.argc)))) -> String? {
        for (i, pointer) in argv.enumerated().dropFirst() {
            guard let pointer, String(validatingCString: pointer) == nil else { continue }
            return "Error: argument \(i) (\(String(cString: pointer))) is not valid UTF-8; nothing was done. Write it in UTF-8 (e.g. through `iconv -f latin1 -t utf-8`)."
        }
        return nil
    }
}

/// Text that begins with "-" reads as an option to the argument parser, which then reports a
/// missing argument or value: say what was really wrong, and how to write it. (Options that
/// take numbers or dates read a leading minus as part of the value, and check it themselves.)
enum DashArgument {
    /// "todo show -1", "todo done -5": a negative number where a task id goes is the whole problem,
    /// said instead of the parser's "Missing expected argument".
    static func notAnID(message: String, arguments: [String]) -> String? {
        let takesIDs = message.contains("Missing expected argument '<id>'") || message.contains("Missing expected argument '<ids>")
            // "todo done 1 -5": the ids came, and the parser read the last as an unknown option.
            || (message.contains("Unknown option '-") && (message.contains(" <id> ") || message.contains(" <ids> ")))
        guard takesIDs, let dashed = dashed(arguments), Double(dashed) != nil else { return nil }
        return "'\(dashed)' is not a task id: ids are whole numbers from 1 (see `todo list`)."
    }

    /// What the parser took for an option: a dash and no option name after it, before any `--`.
    private static func dashed(_ arguments: [String]) -> String? {
        arguments.prefix { $0 != "--" }.first { $0.count > 1 && $0.hasPrefix("-") && !$0.dropFirst().allSatisfy { $0.isLetter || $0 == "-" } }
    }

    static func hint(message: String, arguments: [String]) -> String? {
        let beforeDashes = arguments.prefix { $0 != "--" }
        if message.contains("Unexpected argument"), beforeDashes.count < arguments.count {
            return "Options go before `--`: everything after it is text (todo add --async -- \"-20% sale\")."
        }
        // A value of this option that begins with "-": "--title -20%".
        if let option = message.firstMatch(of: /Missing value for '(--[a-z-]+)/)?.1 {
            return "A value that begins with '-' is written with '=': \(option)=\"-20% sale\"."
        }
        guard message.contains("Missing expected argument"), let dashed = dashed(arguments) else { return nil }
        return "Text that begins with '-' reads as an option: put the options first, then `--`, then the text (todo add --async -- \"\(dashed)\")."
    }
}
