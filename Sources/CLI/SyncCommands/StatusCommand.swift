import Agent
import AISearchAPI
import Foundation
import Observability
import SyncCore

/// `aisearch-sync status ROOT --instance ID`: which files of the folder are not searchable yet,
/// and why. Local reasons come from a dry-run reconcile (new, changed, ineligible, failures the
/// state remembers); remote ones from item listings filtered by `status` (`queued`, `running`,
/// `error`, `skipped`, `outdated`; pages of 50, never one request per file), with the last log
/// message of items in `error` that carry no error text. Exit 0 only when every eligible file is
/// `completed` with the folder's content; ineligible files are listed but do not fail.
enum StatusCommand {
    /// The `--json` form.
    struct Report: Codable, Sendable {
        struct Entry: Codable, Sendable, Hashable {
            var key: String
            /// `new`, `changed`, `remote_changed`, `remote_missing`, `ineligible`, `failed`,
            /// `waiting`, or a remote item status (`queued`, `running`, `error`, `skipped`, `outdated`).
            var state: String
            var reason: String?
            /// Whether this entry keeps the folder from being fully searchable (ineligible files do not).
            var blocking: Bool
        }
        var instance: String
        var files: [Entry]
        var stats: InstanceStats
        var searchable: Bool
    }

    static func spec(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("status", abstract: "Show which files are not searchable yet, and why.",
                    discussion: """
                    Compares the folder with the instance without changing either: files not uploaded yet \
                    (new or changed), files left out (with the reason), and items the service has not \
                    finished (queued, running) or could not index (error, with its message; skipped; \
                    outdated), then a summary of the instance's counts.

                    Files left out are summarised by reason (-v lists each one; --json always does); -q prints \
                    only the last line.

                    Exit 0 when every eligible file is indexed (completed) with the folder's content, 1 otherwise.
                    """,
                    arguments: [SyncOptions.rootArgument], options: SyncOptions.options) { context in
            let group = try await SyncSessions.open(context, dependencies: dependencies)
            let output = try SyncOutput(context: context, logger: group.logger)
            var reports: [(report: Report, leftOut: LeftOutSummary)] = []
            do {
                for session in group.sessions { reports.append(try await build(session)) }
            } catch {
                await group.close()
                throw error
            }
            await group.close()
            if try context.arguments.flag(GlobalOptions.json.name) {
                if reports.count == 1 { try context.printJSON(reports[0].report) } else { try context.printJSON(reports.map(\.report)) }
            } else {
                for (report, leftOut) in reports { printReport(report, leftOut: leftOut, output: output) }
            }
            if !reports.allSatisfy(\.report.searchable) { throw ExitCode.failure }
        }
    }

    /// The report, and the files left out grouped by reason for the default level's summary.
    static func build(_ session: AgentSession) async throws -> (report: Report, leftOut: LeftOutSummary) {
        let round = try await session.engine.reconcile(dryRun: true)
        let plan = round.plan
        // By `ItemKey`, which compares bytes: two names that differ only in Unicode normalisation
        // are two files and two entries.
        var entries: [ItemKey: Report.Entry] = [:]
        func note(_ key: ItemKey, _ state: String, _ reason: String?, blocking: Bool = true) {
            if entries[key] == nil {
                entries[key] = Report.Entry(key: key.rawValue, state: state, reason: reason, blocking: blocking)
            }
        }
        for upload in plan.uploads {
            let state: String = switch upload.reason {
            case .new: "new"
            case .changed: "changed"
            case .remoteChanged: "remote_changed"
            case .remoteMissing: "remote_missing"
            }
            let reason: String = switch upload.reason {
            case .new: "not uploaded yet"
            case .changed: "changed since the last upload"
            case .remoteChanged: "the instance holds other content under this key"
            case .remoteMissing: "the item is gone from the instance"
            }
            note(upload.key, state, reason)
        }
        for skip in plan.skips {
            switch skip.reason {
            case .digestUnavailable: continue
            case .ineligible(let reason): note(skip.key, "ineligible", reason.description, blocking: false)
            case .terminalFailure(let kind, let status, let message):
                note(skip.key, "failed", "\(kind.rawValue) failed" + (status.map { " (HTTP \($0))" } ?? "") + ": \(message)")
            case .reindexExhausted(let status, let attempts, let error):
                note(skip.key, status.rawValue, "still \(status.rawValue) after \(attempts) re-index attempts" + (error.map { ": \($0)" } ?? ""))
            case .waitingForRetry(let kind, _): note(skip.key, "waiting", "\(kind.rawValue) is backing off after a failure")
            case .otherWriter(let owner):
                note(skip.key, "other_writer", "the item is written by \(ContestedKey.writer(owner: owner)); left alone")
            }
        }
        for contest in plan.contested { note(contest.key, "other_writer", contest.explanation) }
        for item in plan.foreign where entries[item.key] == nil {
            note(item.key, "foreign", "not uploaded by this agent" + (item.owner.map { " (owner \"\($0)\")" } ?? "")
                 + "; left alone (--delete-foreign deletes it)", blocking: false)
        }

        // Remote: one filtered listing per unfinished status, restricted to the folder's eligible files.
        let eligible = Set(round.snapshot.files.filter(\.isEligible).map(\.key))
        let client = session.client
        for status in [Item.Status.error, .queued, .running, .skipped, .outdated] {
            let items = try await client.listAllItems(in: session.instance, query: ItemListQuery(status: status, perPage: 50))
            for item in items where eligible.contains(ItemKey(item.key)) && item.status == status {
                var reason: String?
                switch status {
                case .queued: reason = "waiting to be indexed"
                case .running: reason = "being indexed"
                case .outdated: reason = "indexed content is outdated; re-index pending"
                case .error, .skipped:
                    reason = item.error
                    if reason == nil || reason?.isEmpty == true {
                        reason = try await client.itemLogs(item.id, in: session.instance, limit: 1).items.first?.message
                    }
                    if reason == nil { reason = status == .error ? "indexing failed" : "skipped by the service" }
                case .completed: reason = nil
                }
                note(ItemKey(item.key), status.rawValue, reason)
            }
        }
        let stats = try await client.instanceStats(session.instance)
        let files = entries.sorted { $0.key < $1.key }.map(\.value)
        return (Report(instance: session.instance, files: files, stats: stats, searchable: !files.contains(where: \.blocking)),
                LeftOutSummary(plan: plan))
    }

    /// One line per file that is not searchable; files left out as one line per reason (every
    /// one with `-v`); then the instance's counts and the verdict (only the verdict with `-q`).
    static func printReport(_ report: Report, leftOut: LeftOutSummary, output: SyncOutput) {
        let context = output.context
        let listed = output.level == .verbose ? report.files : report.files.filter { $0.state != "ineligible" }
        let width = listed.map { $0.state.count }.max() ?? 0
        for entry in listed {
            let state = entry.state.padding(toLength: width, withPad: " ", startingAt: 0)
            let styled = entry.blocking ? context.terminal.styled(state, .yellow) : context.terminal.styled(state, .dim)
            output.line("\(styled)  \(entry.key)" + (entry.reason.map { ": \($0)" } ?? ""))
        }
        if output.level == .normal {
            for line in leftOut.lines() { output.line(line) }
        }
        let s = report.stats
        output.line("instance \(report.instance): \(s.completed ?? 0) completed, \(s.queued ?? 0) queued, \(s.running ?? 0) running, "
                    + "\(s.error ?? 0) error, \(s.skipped ?? 0) skipped, \(s.outdated ?? 0) outdated")
        let blocking = report.files.filter(\.blocking).count
        output.final("status_done", blocking == 0 ? "every eligible file is searchable" : "\(blocking) file(s) not searchable yet",
                     fields: ["instance": .string(report.instance), "not_searchable": .int(blocking), "left_out": .int(leftOut.count)])
    }
}
