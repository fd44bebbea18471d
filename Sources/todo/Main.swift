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
            if message.contains("Missing expected argument"), let hint = NegativeNumber.hint(arguments: Array(CommandLine.arguments.dropFirst())) { message += "\n" + hint }
            if code == .success { Console.out(message) } else if !message.isEmpty { Console.error(message) }
            exit(code.rawValue)
        }
    }
}

/// A negative number where a task id goes ("show -1") reads as an option to the argument parser,
/// which then reports a missing argument: say what was really wrong. (Options that take numbers
/// or dates read a leading minus as part of the value, and check it themselves.)
enum NegativeNumber {
    static func hint(arguments: [String]) -> String? {
        let negative = arguments.prefix { $0 != "--" }.first { $0.count > 1 && $0.hasPrefix("-") && Double($0) != nil }
        return negative.map { "'\($0)' is not a task id: ids are whole numbers from 1 (see `todo list`)." }
    }
}
