import Foundation

/// Times `todo` commands as fresh processes, the way a user runs them: posix_spawn and wait4
/// directly (Foundation's Process adds ~10 ms of its own to every run); wait4 also reports the
/// child's peak resident memory.
struct ProcessTimer {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var environment: [String: String] = [:]

    struct Run {
        var milliseconds: Double
        var peakKiB: Int
    }

    /// Runs `todo args`, output discarded; fails when the command fails.
    func run(_ args: [String]) throws -> Run {
        let argv = ([binary.path] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { env.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        let start = DispatchTime.now().uptimeNanoseconds
        guard posix_spawn(&pid, binary.path, &actions, nil, argv, env) == 0 else { throw CommandFailure("bench: cannot start \(binary.path)") }
        var status: Int32 = 0
        var usage = rusage()
        wait4(pid, &status, 0, &usage)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        guard status == 0 else { throw CommandFailure("bench: `todo \(args.joined(separator: " "))` failed") }
        return Run(milliseconds: elapsed, peakKiB: usage.ru_maxrss)
    }
}
