import Testing
@testable import SyncCore

@Suite struct OperationCoalescingTests {
    private static func operation(_ kind: OperationKind, content: Int? = nil, attempts: Int = 0) -> PendingOperation {
        PendingOperation(key: "k", kind: kind, contentSHA256: content.map(digest), itemID: kind == .upload ? nil : "i",
                         attempts: attempts, nextAttemptNanoseconds: Int64(attempts) * 1_000)
    }

    /// (earlier, later, the one that stands)
    static let rules: [(String, PendingOperation, PendingOperation, PendingOperation)] = {
        let upload1 = operation(.upload, content: 1, attempts: 2)
        let upload2 = operation(.upload, content: 2)
        let delete = operation(.delete, attempts: 3)
        let deleteFresh = operation(.delete)
        let reindex1 = operation(.reindex, content: 1, attempts: 1)
        let reindex1Again = operation(.reindex, content: 1)
        let reindex2 = operation(.reindex, content: 2)
        return [
            ("delete absorbs a pending upload", upload1, deleteFresh, deleteFresh),
            ("delete absorbs a pending reindex", reindex1, deleteFresh, deleteFresh),
            ("an edit absorbs an earlier edit", upload1, upload2, upload2),
            ("an upload after a pending delete replaces it", delete, upload2, upload2),
            ("an upload replaces a pending reindex", reindex1, upload2, upload2),
            ("a pending upload makes a reindex pointless", upload1, reindex2, upload1),
            ("a reindex of an item being deleted is dropped", delete, reindex2, delete),
            ("a second delete keeps the first one's back-off", delete, deleteFresh, delete),
            ("the same reindex keeps its back-off", reindex1, reindex1Again, reindex1),
            ("a reindex of new content replaces the old", reindex1, reindex2, reindex2),
        ]
    }()

    @Test(arguments: rules.map { ($0.0, $0.1, $0.2, $0.3) } as [(String, PendingOperation, PendingOperation, PendingOperation)])
    func coalescingRule(_ rule: (String, PendingOperation, PendingOperation, PendingOperation)) {
        #expect(coalesce(earlier: rule.1, later: rule.2) == rule.3, "\(rule.0)")
    }

    @Test func journalKeepsOneOperationPerKey() {
        var journal = OperationJournal()
        journal.enqueue(Self.operation(.upload, content: 1))
        journal.enqueue(Self.operation(.upload, content: 2))
        journal.enqueue(Self.operation(.delete))
        #expect(journal.pending.count == 1)
        #expect(journal.pending["k"]?.kind == .delete)
        journal.enqueue(Self.operation(.upload, content: 3))
        #expect(journal.pending["k"] == Self.operation(.upload, content: 3))
    }
}
