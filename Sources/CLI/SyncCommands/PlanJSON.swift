import AISearchAPI
import Observability
import SyncCore

/// The `plan --json` shape (also `sync --json`'s `plan`): the planner's answer with documented
/// words, not the engine's Swift names. Keys are snake_case through `JSONOutput`'s key strategy;
/// every enum is written as one of the words in `JSONWords`. The README lists the shape.
struct PlanJSON: Encodable {
    struct Upload: Encodable { var key: String; var reason: String; var size: Int64; var sha256: String; var replacingItemId: String? }
    struct Delete: Encodable { var key: String; var itemId: String; var reason: String }
    struct Reindex: Encodable { var key: String; var itemId: String; var status: String; var attempt: Int }
    struct Adoption: Encodable { var key: String; var itemId: String; var evidence: String }
    struct Verification: Encodable { var key: String; var itemId: String; var size: Int64 }
    struct LeftOut: Encodable { var key: String; var reason: String; var detail: String }
    struct Skip: Encodable { var key: String; var reason: String; var detail: String? }
    struct Foreign: Encodable { var key: String; var itemId: String; var owner: String? }
    struct Contested: Encodable { var key: String; var itemId: String; var owner: String?; var detail: String }
    /// `estimated_seconds` and `worst_case_seconds` are lower bounds: whole budget windows beyond
    /// the `budget_remaining` requests that may go at once (the requests take time on top).
    struct Cost: Encodable {
        var requests: Int
        var worstCaseRequests: Int
        var estimatedSeconds: Double
        var worstCaseSeconds: Double
        var budgetRequests: Int?
        var budgetSeconds: Double?
        var budgetRemaining: Int?
    }

    var uploads: [Upload]
    var deletes: [Delete]
    var reindexes: [Reindex]
    var adoptions: [Adoption]
    var verifications: [Verification]
    /// Files the folder holds that are not uploaded (ineligible), every one.
    var leftOut: [LeftOut]
    /// Keys that cost nothing this round for another reason (`unchanged` ones are counted, not listed).
    var skips: [Skip]
    var unchanged: Int
    var foreign: [Foreign]
    var contested: [Contested]
    var deleteGuard: String?
    var deleteRefusal: String?
    var withheldDeletes: [Delete]
    var cost: Cost

    init(_ plan: SyncPlan, budget: SyncSummary.Budget? = nil) {
        func delete(_ action: DeleteAction) -> Delete {
            Delete(key: action.key.rawValue, itemId: action.itemID, reason: JSONWords.word(action.reason))
        }
        uploads = plan.uploads.map {
            Upload(key: $0.key.rawValue, reason: JSONWords.word($0.reason), size: $0.size, sha256: $0.sha256.description,
                   replacingItemId: $0.replacingItemID)
        }
        deletes = plan.deletes.map(delete)
        reindexes = plan.reindexes.map { Reindex(key: $0.key.rawValue, itemId: $0.itemID, status: $0.status.rawValue, attempt: $0.attempt) }
        adoptions = plan.adoptions.map { Adoption(key: $0.key.rawValue, itemId: $0.itemID, evidence: JSONWords.word($0.evidence)) }
        verifications = plan.verifications.map { Verification(key: $0.key.rawValue, itemId: $0.itemID, size: $0.size) }
        var leftOut: [LeftOut] = []
        var skips: [Skip] = []
        for skip in plan.skips {
            let key = skip.key.rawValue
            switch skip.reason {
            case .ineligible(let reason): leftOut.append(LeftOut(key: key, reason: reason.code, detail: reason.description))
            case .terminalFailure(let kind, let status, let message):
                skips.append(Skip(key: key, reason: "terminal_failure",
                                  detail: "\(kind.rawValue) refused" + (status.map { " (HTTP \($0))" } ?? "") + ": \(message)"))
            case .reindexExhausted(let status, let attempts, let error):
                skips.append(Skip(key: key, reason: "reindex_exhausted",
                                  detail: "still \(status.rawValue) after \(attempts) re-index(es)" + (error.map { ": \($0)" } ?? "")))
            case .waitingForRetry(let kind, _): skips.append(Skip(key: key, reason: "waiting_for_retry", detail: "\(kind.rawValue) is backing off"))
            case .digestUnavailable: skips.append(Skip(key: key, reason: "digest_unavailable", detail: nil))
            case .otherWriter(let owner): skips.append(Skip(key: key, reason: "other_writer", detail: owner.isEmpty ? nil : "owner \"\(owner)\""))
            }
        }
        self.leftOut = leftOut
        self.skips = skips
        unchanged = plan.unchangedCount
        foreign = plan.foreign.map { Foreign(key: $0.key.rawValue, itemId: $0.itemID, owner: $0.owner) }
        contested = plan.contested.map { Contested(key: $0.key.rawValue, itemId: $0.itemID, owner: $0.owner, detail: $0.explanation) }
        deleteGuard = plan.deleteGuard?.description
        deleteRefusal = plan.deleteRefusal?.description
        withheldDeletes = plan.withheldDeletes.map(delete)
        cost = Cost(requests: plan.cost.requests, worstCaseRequests: plan.cost.worstCaseRequests,
                    estimatedSeconds: budget?.minimumSeconds(plan.cost.requests) ?? plan.cost.estimatedSeconds,
                    worstCaseSeconds: budget?.minimumSeconds(plan.cost.worstCaseRequests) ?? plan.cost.worstCaseSeconds,
                    budgetRequests: budget?.limits.requests,
                    budgetSeconds: budget.map { HumanDuration.seconds($0.limits.period) },
                    budgetRemaining: budget?.remaining)
    }
}

/// The documented words `--json` and the plan's lines use for the engine's enums (the Swift
/// case names, such as `remoteMissing`, are not part of the output).
enum JSONWords {
    static func word(_ reason: UploadReason) -> String {
        switch reason {
        case .new: "new"
        case .changed: "changed"
        case .remoteChanged: "remote_changed"
        case .remoteMissing: "remote_missing"
        }
    }

    static func word(_ reason: DeleteReason) -> String {
        switch reason {
        case .localGone: "local_gone"
        case .becameIneligible: "became_ineligible"
        case .duplicate: "duplicate"
        case .foreign: "foreign"
        }
    }

    static func word(_ evidence: ContentEvidence) -> String {
        switch evidence {
        case .metadataDigest: "metadata_digest"
        case .checksum(let algorithm): "checksum_\(algorithm.rawValue)"
        case .ownRecord: "own_record"
        }
    }
}
