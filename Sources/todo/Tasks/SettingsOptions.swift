import ArgumentParser
import Foundation
import TaskService

/// `--config`, shared by every command that enriches.
struct SettingsOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Enrichment settings (default: SMART_TODO_CONFIG, else ~/.config/smart-todo/config.json, whose absence means the defaults).", valueName: "path"))
    var config: String?

    func load() throws -> EnrichmentSettings {
        do {
            return try EnrichmentSettings.load(from: .resolve(explicit: config))
        } catch let error as SettingsError {
            throw CommandFailure(error.description)
        }
    }
}

/// Runs enrichment, turning its errors into plain command failures.
func enrichmentCall<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as EnrichmentError { throw CommandFailure(error.description) } catch let error as StoreError {
        throw CommandFailure(error.description)
    }
}
