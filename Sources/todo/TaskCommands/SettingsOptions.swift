import ArgumentParser
import Foundation
import TaskService

/// `--config` and `--model`, shared by every command that enriches or searches.
struct SettingsOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Enrichment settings (default: SMART_TODO_CONFIG, else ~/.config/smart-todo/config.json, whose absence means the defaults).", valueName: "path"))
    var config: String?

    @Option(help: ArgumentHelp("The embedding model, by its name in `todo models` (default: the settings' \"model\", else all-MiniLM-L6-v2).", valueName: "name"))
    var model: String?

    @Option(help: ArgumentHelp("The embedding model search uses, when not --model's (default: the settings' \"search.model\", else --model's).",
                               valueName: "name"))
    var searchModel: String?

    func load() throws -> EnrichmentSettings {
        do {
            var settings = try EnrichmentSettings.load(from: .resolve(explicit: config))
            if let model { settings.model = model }
            if let searchModel { settings.search.model = searchModel }
            if model != nil || searchModel != nil { try settings.validate() }
            try ModelManifest.checkKnown(settings.model)
            if !settings.search.model.isEmpty { try ModelManifest.checkKnown(settings.search.model) }
            return settings
        } catch let error as SettingsError {
            throw CommandFailure(error.description)
        }
    }
}

/// Runs enrichment, turning its errors into plain command failures.
func enrichmentCall<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as EnrichmentError { throw CommandFailure(error.description) } catch let error as StoreError {
        throw CommandFailure(error)
    }
}
