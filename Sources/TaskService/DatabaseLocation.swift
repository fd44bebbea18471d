import Foundation

/// Where the task database lives: `--db PATH`, else `SMART_TODO_DB`, else the
/// XDG data directory (`$XDG_DATA_HOME/smart-todo/tasks.sqlite`, by default
/// `~/.local/share/smart-todo/tasks.sqlite`).
public enum DatabaseLocation {
    public static let fileName = "tasks.sqlite"

    /// The database `--db` or else SMART_TODO_DB names, as given (a path, or a `postgres://`
    /// URL); nil when neither does.
    public static func given(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let explicit, !explicit.isEmpty { return explicit }
        if let env = environment["SMART_TODO_DB"], !env.isEmpty { return env }
        return nil
    }

    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                               home: String = NSHomeDirectory()) -> URL {
        if let given = given(explicit: explicit, environment: environment) { return URL(fileURLWithPath: expandTilde(given, home: home)) }
        // XDG: a relative XDG_DATA_HOME is invalid and must be ignored.
        let base: String
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") { base = xdg } else { base = home + "/.local/share" }
        return URL(fileURLWithPath: base).appendingPathComponent("smart-todo").appendingPathComponent(fileName)
    }

    private static func expandTilde(_ path: String, home: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst() }
        return path
    }
}
