import ArgumentParser

@main
struct Todo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "todo",
        abstract: "Smart TODO: a to-do manager whose AI runs on its own offline transformer engine.",
        discussion: """
        Examples:
          todo tokenize "Renew passport before the trip"
          todo tokenize "Is this urgent?" --pair "This example is work." --json
          todo tokenize --batch inputs.jsonl --json
        """,
        subcommands: [TokenizeCommand.self, EmbedCommand.self, ClassifyCommand.self, ModelsCommand.self, BenchCommand.self]
    )
}
