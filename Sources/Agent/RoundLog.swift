import AISearchAPI
import Observability
import SyncCore

/// A round as log records, for `watch`: one record per file changed on the instance or failed,
/// then a summary. The same records in both formats, so `--log-format json` carries everything
/// a person sees. Files left out are reported by `LeftOutReporter`, once each.
enum RoundLog {
    static func record(_ round: SyncEngine.Round, label: String, logger: Logger) {
        let report = round.report
        for key in report.uploaded {
            logger.info(.uploadDone, "uploaded \(key)", key: key.description, itemID: report.touched[key]?.itemID)
        }
        for key in report.deleted { logger.info(.deleteDone, "deleted \(key)", key: key.description) }
        for key in report.reindexed {
            logger.info(.reindexDone, "re-index requested for \(key)", key: key.description, itemID: report.touched[key]?.itemID)
        }
        for failure in report.failures {
            let event: LogEvent = switch failure.operation {
            case "delete": .deleteFailed
            case "reindex": .reindexFailed
            default: .uploadFailed
            }
            logger.log(failure.isTerminal ? .error : .warning, event,
                       "\(failure.operation) \(failure.key) failed\(failure.isTerminal ? "" : ", will retry"): \(failure.message)",
                       key: failure.key.description, errorCode: failure.httpStatus.map { "http_\($0)" } ?? "transport",
                       status: failure.httpStatus)
        }
        for item in report.unindexed {
            logger.warning("item_not_indexed", "\(item.key) ended \(item.status.rawValue): \(item.lastLog ?? item.error ?? "no log message")",
                           key: item.key.description, itemID: item.itemID, errorCode: item.status.rawValue)
        }
        // Once per contest: the next rounds find the key yielded (a recorded refusal) and stay quiet.
        for contest in round.plan.contested {
            logger.warning("key_contested", contest.explanation, key: contest.key.description, itemID: contest.itemID)
        }
        if let guardReason = round.plan.deleteGuard { logger.warning(.deleteLimitExceeded, "no deletes: \(guardReason)") }
        if let refusal = round.plan.deleteRefusal { logger.warning(.deleteLimitExceeded, "\(refusal)") }
        logger.info(.reconcileDone,
                    "\(label): \(report.uploaded.count) uploaded, \(report.deleted.count) deleted, \(report.reindexed.count) re-indexed, \(report.failures.count) failed",
                    fields: ["round": .string(label), "uploaded": .int(report.uploaded.count), "deleted": .int(report.deleted.count),
                             "reindexed": .int(report.reindexed.count), "failed": .int(report.failures.count),
                             "files_scanned": .int(round.filesScanned), "files_hashed": .int(round.filesHashed),
                             "requests": .int(report.requests)])
    }
}
