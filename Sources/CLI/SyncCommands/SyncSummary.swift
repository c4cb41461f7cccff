import Agent
import AISearchAPI
import Foundation
import Observability
import SyncCore

/// How a plan or a round is shown: one line per action or problem, files left out summarised
/// by reason (`SyncOutput` decides how much), then a summary line.
enum SyncSummary {
    /// The request budget a plan is measured against: the client's limits (`--rate-limit`) and
    /// what may go at once now (less than the limit when this process, or the server's
    /// `Ratelimit` header, says some of the window is already spent).
    struct Budget: Sendable {
        var limits: RequestBudget.Limits
        var remaining: Int

        static func of(_ client: AISearchClient) async -> Budget {
            Budget(limits: client.configuration.budgetLimits, remaining: await client.metrics().budgetRemaining)
        }

        /// The least time `requests` take: whole windows beyond what may go now (`RequestWindow`).
        func minimumSeconds(_ requests: Int) -> Double {
            HumanDuration.seconds(limits.minimumDuration(forRequests: requests, available: remaining))
        }

        /// `1200 requests per 5 m, Cloudflare's limit` or `50 requests per 10 s, --rate-limit`.
        var limitText: String {
            let source = limits == .cloudflareDefault ? "Cloudflare's limit" : "--rate-limit"
            return "\(limits.requests) requests per \(HumanDuration.text(limits.period)), \(source)"
        }

        /// `at least 10 m under the request budget (…)`, a range's lower end: the requests
        /// themselves take time on top, and other tools of the account share the budget.
        func phrase(_ requests: Int) -> String {
            let spent = limits.requests - remaining
            let spentText = spent > 0 ? "; \(spent) of them already spent in this window" : ""
            let seconds = minimumSeconds(requests)
            if seconds == 0 { return "within the request budget (\(limitText)\(spentText))" }
            return "at least \(HumanDuration.text(seconds: seconds)) under the request budget (\(limitText)\(spentText))"
        }
    }

    static func printPlan(_ round: SyncEngine.Round, output: SyncOutput, budget: Budget) {
        let plan = round.plan
        for upload in plan.uploads { output.line("upload   \(upload.key)  (\(JSONWords.word(upload.reason)), \(upload.size) bytes)") }
        for delete in plan.deletes { output.line("delete   \(delete.key)  (\(JSONWords.word(delete.reason)))") }
        for reindex in plan.reindexes { output.line("reindex  \(reindex.key)  (item is \(reindex.status.rawValue))") }
        for verify in plan.verifications { output.line("verify   \(verify.key)  (download and compare: the checksum is opaque)") }
        for adopt in plan.adoptions { output.line("adopt    \(adopt.key)  (already on the instance)") }
        printSkips(plan, output: output)
        printGuards(plan, output: output)
        let cost = plan.cost
        if cost.objectWrites > 0 {
            output.line("R2 bucket: \(cost.objectWrites) object write(s) over the S3 API (its own budget, not the REST API's); "
                        + (cost.indexesWithSyncJob ? "indexed by one sync job, followed to its end" : "each key indexed at once (PUT items)"))
        }
        output.final("plan_done", "\(plan.uploads.count) upload(s), \(plan.deletes.count) delete(s), \(plan.reindexes.count) re-index(es), "
                     + "\(plan.verifications.count) download(s): \(cost.requests) request(s), \(budget.phrase(cost.requests)); "
                     + "worst case \(cost.worstCaseRequests) request(s), \(HumanDuration.text(seconds: budget.minimumSeconds(cost.worstCaseRequests))) or more",
                     fields: ["uploads": .int(plan.uploads.count), "deletes": .int(plan.deletes.count),
                              "reindexes": .int(plan.reindexes.count), "downloads": .int(plan.verifications.count),
                              "requests": .int(cost.requests), "estimated_seconds": .double(budget.minimumSeconds(cost.requests)),
                              "worst_case_requests": .int(cost.worstCaseRequests),
                              "worst_case_seconds": .double(budget.minimumSeconds(cost.worstCaseRequests)),
                              "budget_remaining": .int(budget.remaining)])
    }

    static func printRound(_ round: SyncEngine.Round, output: SyncOutput, label: String = "sync") {
        let report = round.report
        for failure in report.failures {
            let event: LogEvent = switch failure.operation {
            case "delete": .deleteFailed
            case "reindex": .reindexFailed
            default: .uploadFailed
            }
            if failure.isTerminal {
                output.error(event, "error: \(failure)", key: failure.key, status: failure.httpStatus)
            } else {
                output.warning(event, "aisearch-sync: will retry: \(failure)", key: failure.key)
            }
        }
        for item in report.unindexed {
            output.error("item_not_indexed", "\(item.key) ended \(item.status.rawValue): \(item.lastLog ?? item.error ?? "no log message")",
                         key: item.key)
        }
        printSkips(round.plan, output: output)
        printGuards(round.plan, output: output)
        output.final("sync_done",
                     "\(label): \(report.uploaded.count) uploaded, \(report.deleted.count) deleted, \(report.reindexed.count) re-indexed, "
                     + "\(report.verifiedEqual.count) verified, \(round.plan.adoptions.count) adopted, \(report.failures.count) failed; "
                     + "\(round.filesScanned) file(s) scanned, \(round.filesHashed) hashed, \(report.requests) request(s)"
                     + (round.remoteComparison == .unchangedSinceRecorded ? " (the instance was unchanged since the last full comparison; --full lists it all)" : ""),
                     fields: ["uploaded": .int(report.uploaded.count), "deleted": .int(report.deleted.count),
                              "reindexed": .int(report.reindexed.count), "verified": .int(report.verifiedEqual.count),
                              "adopted": .int(round.plan.adoptions.count), "failed": .int(report.failures.count),
                              "left_out": .int(LeftOutSummary(plan: round.plan).count),
                              "files_scanned": .int(round.filesScanned), "files_hashed": .int(round.filesHashed),
                              "requests": .int(report.requests), "in_sync": .bool(round.isInSync)])
    }

    private static func printSkips(_ plan: SyncPlan, output: SyncOutput) {
        output.leftOut(LeftOutSummary(plan: plan))
        for skip in plan.skips {
            let key = skip.key
            switch skip.reason {
            case .ineligible: continue
            case .terminalFailure(_, nil, let message):
                output.warning(.fileSkipped, "skipped  \(key): \(message)", key: key)
            case .terminalFailure(let kind, let status?, let message):
                output.warning(.fileSkipped, "skipped  \(key): the server refused the \(kind.rawValue) (\(status)): \(message); retried when the file changes", key: key)
            case .reindexExhausted(let status, let attempts, let error):
                output.warning(.fileSkipped, "skipped  \(key): still \(status.rawValue) after \(attempts) re-index(es)\(error.map { ": \($0)" } ?? "")", key: key)
            case .waitingForRetry(let kind, _): output.warning(.fileSkipped, "waiting  \(key): \(kind.rawValue) is backing off after a failure", key: key)
            case .digestUnavailable: output.warning(.fileSkipped, "skipped  \(key): no digest available (please report this)", key: key)
            case .otherWriter(let owner):
                output.warning(.fileSkipped, "skipped  \(key): written by \(ContestedKey.writer(owner: owner))"
                               + "; give each folder its own --prefix", key: key)
            }
        }
        for contest in plan.contested { output.warning("key_contested", "warning: \(contest.explanation)", key: contest.key) }
        if !plan.foreign.isEmpty {
            let examples = plan.foreign.prefix(3).map(\.key.rawValue).joined(separator: ", ")
            output.warning("foreign_items", "aisearch-sync: \(plan.foreign.count) item(s) under the prefix were not uploaded by this agent "
                           + "(\(examples)\(plan.foreign.count > 3 ? ", …" : "")); "
                           + (plan.deletes.contains { $0.reason == .foreign } ? "deleting them (--delete-foreign)" : "left alone (`plan` lists them; --delete-foreign deletes them)"),
                           fields: ["count": .int(plan.foreign.count)])
        }
    }

    private static func printGuards(_ plan: SyncPlan, output: SyncOutput) {
        if let guardReason = plan.deleteGuard { output.warning(.deleteLimitExceeded, "aisearch-sync: no deletes: \(guardReason)") }
        if let refusal = plan.deleteRefusal { output.warning(.deleteLimitExceeded, "aisearch-sync: \(refusal)") }
    }

    /// The `sync --json` answer.
    struct JSON: Encodable {
        var inSync: Bool
        var plan: PlanJSON
        var report: ExecutionReport
        var filesScanned: Int
        var filesHashed: Int
        var remoteComparison: SyncEngine.Round.RemoteComparison?

        init(_ round: SyncEngine.Round) {
            remoteComparison = round.remoteComparison
            inSync = round.isInSync
            plan = PlanJSON(round.plan)
            report = round.report
            filesScanned = round.filesScanned
            filesHashed = round.filesHashed
        }

        enum CodingKeys: String, CodingKey {
            case plan, report
            case inSync = "in_sync"
            case filesScanned = "files_scanned"
            case filesHashed = "files_hashed"
            case remoteComparison = "remote_comparison"
        }
    }
}
