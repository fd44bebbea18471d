import ArgumentParser

struct Todo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "todo",
        abstract: "Smart TODO: a to-do manager whose AI runs on its own offline transformer engine.",
        discussion: """
        Examples:
          todo add "Renew passport" --due friday --tag travel
          todo list
          todo search "passport renewal"
          todo done 1
          todo embed "Renew passport before the trip"
          todo classify "Pay the electricity bill" --labels work,finance,health
          todo tokenize "Is this urgent?" --pair "This example is work." --json

        Exit status: 0 done; 1 failed (an unknown task, bad input); 2 partly done (enrich); \
        64 a malformed command line; 75 the database was unreachable or locked by another \
        writer: nothing changed, running the command again may succeed.
        """,
        version: Version.described,
        // Tasks first; the engine's own commands (models, measuring) apart, for those who work on it.
        subcommands: [AddCommand.self, ListCommand.self, ShowCommand.self, DoneCommand.self, ReopenCommand.self, DeleteCommand.self, SearchCommand.self,
                      EditCommand.self, UndoCommand.self, SimilarCommand.self, ExplainCommand.self, EnrichCommand.self,
                      StatsCommand.self, CacheCommand.self, ExportCommand.self, ImportCommand.self, BackupCommand.self, RestoreCommand.self,
                      ServeCommand.self, UsersCommand.self, WorkerCommand.self],
        groupedSubcommands: [
            CommandGroup(name: "Models and measurement", subcommands: [ModelsCommand.self, EvalCommand.self, BenchCommand.self,
                                                                        EmbedCommand.self, ClassifyCommand.self, TokenizeCommand.self]),
        ]
    )
}
