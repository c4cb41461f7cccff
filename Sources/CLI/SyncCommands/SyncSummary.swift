import AISearchAPI
import Foundation
import SyncCore

/// How a plan or a round is shown: one line per action or problem, then a summary line.
enum SyncSummary {
    static func printPlan(_ round: SyncEngine.Round, context: CommandContext) {
        let plan = round.plan
        for upload in plan.uploads { context.print("upload   \(upload.key)  (\(upload.reason.rawValue), \(upload.size) bytes)") }
        for delete in plan.deletes { context.print("delete   \(delete.key)  (\(delete.reason.rawValue))") }
        for reindex in plan.reindexes { context.print("reindex  \(reindex.key)  (item is \(reindex.status.rawValue))") }
        for verify in plan.verifications { context.print("verify   \(verify.key)  (download and compare: the checksum is opaque)") }
        for adopt in plan.adoptions { context.print("adopt    \(adopt.key)  (already on the instance)") }
        printSkips(plan, context: context)
        printGuards(plan, context: context)
        let cost = plan.cost
        context.print(String(format: "%d upload(s), %d delete(s), %d re-index(es), %d download(s): %d request(s), about %.0f s under the request budget (worst case %d requests, %.0f s)",
                             plan.uploads.count, plan.deletes.count, plan.reindexes.count, plan.verifications.count,
                             cost.requests, cost.estimatedSeconds, cost.worstCaseRequests, cost.worstCaseSeconds))
        if cost.objectWrites > 0 {
            context.print("R2 bucket: \(cost.objectWrites) object write(s) over the S3 API (its own budget, not the REST API's); "
                          + (cost.indexesWithSyncJob ? "indexed by one sync job, followed to its end" : "each key indexed at once (PUT items)"))
        }
    }

    static func printRound(_ round: SyncEngine.Round, context: CommandContext, label: String = "sync") {
        let report = round.report
        for failure in report.failures {
            context.printError("aisearch-sync: \(failure.isTerminal ? "error" : "will retry"): \(failure)")
        }
        for item in report.unindexed {
            context.printError("aisearch-sync: \(item.key) ended \(item.status.rawValue): \(item.lastLog ?? item.error ?? "no log message")")
        }
        printSkips(round.plan, context: context)
        printGuards(round.plan, context: context)
        context.print("\(label): \(report.uploaded.count) uploaded, \(report.deleted.count) deleted, \(report.reindexed.count) re-indexed, "
                      + "\(report.verifiedEqual.count) verified, \(round.plan.adoptions.count) adopted, \(report.failures.count) failed; "
                      + "\(round.filesScanned) file(s) scanned, \(round.filesHashed) hashed, \(report.requests) request(s)"
                      + (round.remoteComparison == .unchangedSinceRecorded ? " (the instance was unchanged since the last full comparison; --full lists it all)" : ""))
    }

    private static func printSkips(_ plan: SyncPlan, context: CommandContext) {
        for skip in plan.skips {
            switch skip.reason {
            case .unchanged: continue
            case .ineligible(let reason): context.printError("skipped  \(skip.key): \(reason)")
            case .terminalFailure(_, nil, let message):
                context.printError("skipped  \(skip.key): \(message)")
            case .terminalFailure(let kind, let status?, let message):
                context.printError("skipped  \(skip.key): the server refused the \(kind.rawValue) (\(status)): \(message); retried when the file changes")
            case .reindexExhausted(let status, let attempts, let error):
                context.printError("skipped  \(skip.key): still \(status.rawValue) after \(attempts) re-index(es)\(error.map { ": \($0)" } ?? "")")
            case .waitingForRetry(let kind, _): context.printError("waiting  \(skip.key): \(kind.rawValue) is backing off after a failure")
            case .digestUnavailable: context.printError("skipped  \(skip.key): no digest available (please report this)")
            case .otherWriter(let owner):
                context.printError("skipped  \(skip.key): written by " + (owner.isEmpty ? "another writer" : "another agent (owner \"\(owner)\")")
                                   + "; give each folder its own --prefix")
            }
        }
        for contest in plan.contested { context.printError("warning: \(contest.explanation)") }
        if !plan.foreign.isEmpty {
            let examples = plan.foreign.prefix(3).map(\.key.rawValue).joined(separator: ", ")
            context.printError("aisearch-sync: \(plan.foreign.count) item(s) under the prefix were not uploaded by this agent "
                               + "(\(examples)\(plan.foreign.count > 3 ? ", …" : "")); "
                               + (plan.deletes.contains { $0.reason == .foreign } ? "deleting them (--delete-foreign)" : "left alone (`plan` lists them; --delete-foreign deletes them)"))
        }
    }

    private static func printGuards(_ plan: SyncPlan, context: CommandContext) {
        if let guardReason = plan.deleteGuard { context.printError("aisearch-sync: no deletes: \(guardReason)") }
        if let refusal = plan.deleteRefusal { context.printError("aisearch-sync: \(refusal)") }
    }

    /// The `sync --json` answer.
    struct JSON: Encodable {
        var inSync: Bool
        var plan: SyncPlan
        var report: ExecutionReport
        var filesScanned: Int
        var filesHashed: Int
        var remoteComparison: SyncEngine.Round.RemoteComparison?

        init(_ round: SyncEngine.Round) {
            remoteComparison = round.remoteComparison
            inSync = round.isInSync
            plan = round.plan
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
