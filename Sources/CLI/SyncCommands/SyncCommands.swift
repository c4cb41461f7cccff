import AISearchAPI
import FileWatch
import Foundation
import LinuxSystem
import SyncCore

/// A text progress bar: `[#####-----]`.
enum ProgressBar {
    static func render(done: Int, total: Int, width: Int = 20) -> String {
        let filled = total == 0 ? width : min(width, done * width / total)
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
    }
}

/// `plan`, `sync` and `watch`: the folder-to-instance commands.
enum SyncCommands {
    static func specs(_ dependencies: CommandDependencies) -> [CommandSpec] {
        [planSpec(dependencies), syncSpec(dependencies), watchSpec(dependencies)]
    }

    static func planSpec(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("plan", abstract: "Show what a sync would do, and what it would cost, without doing it.",
                    discussion: "Lists every upload, delete, re-index and download with its reason, every file left out and why, and the API requests the plan costs with the time that takes under the 1,200 requests / 5 minutes budget.",
                    arguments: [SyncSession.rootArgument], options: SyncSession.options) { context in
            let session = try await SyncSession.open(context, dependencies: dependencies)
            defer { Task { await session.close() } }
            let round = try await session.engine.reconcile(dryRun: true)
            if try context.arguments.flag("--json") { try context.printJSON(round.plan); return }
            SyncSummary.printPlan(round, context: context)
        }
    }

    static func syncSpec(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("sync", abstract: "Make the instance equal to the folder once, then exit.",
                    discussion: "Exit 0 when every eligible file is in sync (files left out are reported but do not fail the run), 1 when anything failed.",
                    arguments: [SyncSession.rootArgument], options: SyncSession.options) { context in
            let progressLine = ProgressLine(terminal: context.terminal)
            let interactive = context.terminal.isInteractive(.standardError)
            // A bar that redraws on a terminal; a plain line every tenth of the way otherwise.
            let session = try await SyncSession.open(context, dependencies: dependencies) { done, total, key in
                guard interactive || done == total || (done * 10 / total) != ((done - 1) * 10 / total) else { return }
                progressLine.update("syncing \(done)/\(total) \(ProgressBar.render(done: done, total: total)) \(key)")
            }
            let round: SyncEngine.Round
            do {
                round = try await session.engine.reconcile()
            } catch {
                await session.close()
                throw error
            }
            await session.close()
            progressLine.clear()
            if try context.arguments.flag("--json") {
                try context.printJSON(SyncSummary.JSON(round))
            } else {
                SyncSummary.printRound(round, context: context)
            }
            if !round.isInSync { throw ExitCode.failure }
        }
    }

    static func watchSpec(_ dependencies: CommandDependencies) -> CommandSpec {
        let watchOptions: [OptionSpec] = [
            .value("--settle", valueName: "duration", help: "Quiet time before a changed file is read.", defaultValue: "200ms"),
            .value("--safety-rescan", valueName: "duration", help: "Full comparison with the instance this often.", defaultValue: "1h"),
        ]
        return CommandSpec("watch", abstract: "Sync once, then follow changes to the folder until stopped.",
                           discussion: "SIGINT or SIGTERM stops taking new work, lets requests in flight finish or be journaled, saves the state and exits 0.",
                           arguments: [SyncSession.rootArgument], options: SyncSession.options + watchOptions) { context in
            let session = try await SyncSession.open(context, dependencies: dependencies)
            var configuration = FileWatcher.Configuration()
            configuration.ignoreRules = session.ignoreRules
            configuration.settleWindow = try context.arguments.duration("--settle") ?? .milliseconds(200)
            let safetyRescan = try context.arguments.duration("--safety-rescan") ?? .seconds(3600)
            let follower = WatchLoop(session: session, watcher: FileWatcher(root: session.root, configuration: configuration),
                                     safetyRescan: safetyRescan, context: context)
            do {
                try await follower.run()
            } catch is CancellationError {
                // A signal: fall through to the orderly close.
            } catch {
                await session.close()
                throw error
            }
            await session.close()
            context.printError("aisearch-sync: stopped; state saved")
        }
    }
}
