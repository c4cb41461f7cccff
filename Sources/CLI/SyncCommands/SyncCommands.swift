import Agent
import AISearchAPI
import FileWatch
import Foundation
import LinuxSystem
import Observability
import SyncCore

/// A text progress bar: `[#####-----]`.
enum ProgressBar {
    static func render(done: Int, total: Int, width: Int = 20) -> String {
        let filled = total == 0 ? width : min(width, done * width / total)
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
    }
}

/// `plan`, `sync` and `watch`: the folder-to-instance commands. Each runs the folder given on
/// the command line, or every sync of the config file.
enum SyncCommands {
    static func specs(_ dependencies: CommandDependencies) -> [CommandSpec] {
        [planSpec(dependencies), syncSpec(dependencies), watchSpec(dependencies)]
    }

    static func planSpec(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("plan", abstract: "Show what a sync would do, and what it would cost, without doing it.",
                    discussion: "Lists every upload, delete, re-index and download with its reason, the files left out by reason (-v: each one), and the API requests the plan costs with the least time they take under the request budget (--rate-limit; Cloudflare allows 1,200 requests in any 5 minutes): whole windows beyond what may go at once now, the requests themselves on top.",
                    arguments: [SyncOptions.rootArgument], options: SyncOptions.options) { context in
            let group = try await SyncSessions.open(context, dependencies: dependencies, requireRoot: true)
            let output = try SyncOutput(context: context, logger: group.logger)
            var plans: [PlanJSON] = []
            do {
                for session in group.sessions {
                    let round = try await session.engine.reconcile(dryRun: true)
                    let budget = await SyncSummary.Budget.of(session.client)
                    plans.append(PlanJSON(round.plan, budget: budget))
                    if !(try context.arguments.flag("--json")) {
                        if group.sessions.count > 1 { output.line("# \(session.settings.root) → \(session.instance)") }
                        SyncSummary.printPlan(round, output: output, budget: budget)
                        if let warning = session.shortenedKeysWarning(round) { output.warning("keys_shortened", "warning: \(warning)") }
                    }
                }
            } catch {
                await group.close()
                throw error
            }
            await group.close()
            if try context.arguments.flag("--json") {
                if plans.count == 1 { try context.printJSON(plans[0]) } else { try context.printJSON(plans) }
            }
        }
    }

    static func syncSpec(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("sync", abstract: "Make the instance equal to the folder once, then exit.",
                    discussion: "Exit 0 when every eligible file is in sync and nothing was withheld (files left out are reported but do not fail the run); 1 when a request failed, deletes were withheld (an empty folder, --max-delete), operations are backing off, or another writer holds a key; 2 when the folder is missing or not a directory.",
                    arguments: [SyncOptions.rootArgument], options: SyncOptions.options) { context in
            // A bar that redraws on a terminal, with the rate, the time left and budget waits; a
            // plain line (a record with --log-format json) every tenth of the way otherwise; nothing with -q.
            let quiet = try SyncOutput.level(context.arguments) == .quiet
            let progress = SyncProgress(line: ProgressLine(terminal: context.terminal), isLive: context.terminal.isInteractive(.standardError))
            let group = try await SyncSessions.open(context, dependencies: dependencies, requireRoot: true, progress: progress) { done, total, key in
                if !quiet { progress.advance(done: done, total: total, key: key.description) }
            }
            progress.attach(group.logger)
            let output = try SyncOutput(context: context, logger: group.logger)
            var rounds: [SyncEngine.Round] = []
            do {
                for session in group.sessions { rounds.append(try await session.engine.reconcile()) }
            } catch {
                await group.close()
                progress.finish()
                throw error
            }
            await group.close()
            progress.finish()
            if try context.arguments.flag("--json") {
                let answers = rounds.map(SyncSummary.JSON.init)
                if answers.count == 1 { try context.printJSON(answers[0]) } else { try context.printJSON(answers) }
            } else {
                for (session, round) in zip(group.sessions, rounds) {
                    SyncSummary.printRound(round, output: output, label: group.sessions.count > 1 ? "sync \(session.settings.root)" : "sync")
                    if let warning = session.shortenedKeysWarning(round) { output.warning("keys_shortened", "warning: \(warning)") }
                }
            }
            if !rounds.allSatisfy(\.isInSync) {
                if !(try context.arguments.flag("--json")) {
                    for round in rounds { for reason in round.outOfSyncReasons { output.error("not_in_sync", "not in sync: \(reason)") } }
                }
                throw ExitCode.failure
            }
        }
    }

    static func watchSpec(_ dependencies: CommandDependencies) -> CommandSpec {
        let watchOptions: [OptionSpec] = [
            .value("--settle", valueName: "duration", help: "Quiet time before a changed file is read (default 200ms)."),
            .value("--max-settle", valueName: "duration", help: "Longest wait for a file that keeps changing (default 10s)."),
            .value("--safety-rescan", valueName: "duration", help: "Full comparison with the instance this often, or off (default 1h)."),
            .value("--listen", valueName: "host:port", help: "Serve /healthz, /readyz and /metrics here, e.g. 127.0.0.1:9465.",
                   environment: "AISEARCH_LISTEN"),
            .value("--poll", valueName: "duration",
                   help: "Scan the folder this often instead of using inotify (chosen by itself on NFS, SMB, FUSE and 9p)."),
        ]
        return CommandSpec("watch", abstract: "Sync once, then follow changes to the folder until stopped.",
                           discussion: "SIGINT or SIGTERM stops taking new work, lets requests in flight finish (up to 25 s), saves the state and exits 0; a second one stops at once. SIGHUP re-reads the config file and the ignore rules. Outages and a full state disk are retried with backoff and shown on /healthz.",
                           arguments: [SyncOptions.rootArgument], options: SyncOptions.options + watchOptions) { context in
            try await WatchCommand.run(context, dependencies: dependencies)
        }
    }
}
