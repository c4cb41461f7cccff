import AISearchAPI
import Hashing
import LinuxSystem

/// Carries out a `SyncPlan`: at most `concurrency` requests at once (the client's shared budget
/// paces them further), every outcome written to the state store as it happens, so a crash
/// loses at most the requests in flight, and a restart's fresh plan picks up exactly what is left.
///
/// Failures never stop the run: each is recorded per key, terminal ones (a 4xx other than
/// 408/429) in the journal so they are not retried until the file changes.
public struct PlanExecutor: Sendable {
    public struct Options: Sendable {
        public var concurrency: Int
        /// Pass `wait_for_completion` and follow each item until it settles.
        public var waitForCompletion: Bool
        /// Upload our SHA-256 as the `aisearch_sha256` metadata field (the instance declares it).
        public var uploadsDigestMetadata: Bool
        /// Upload the full key of a shortened key as metadata (the instance declares the field).
        public var uploadsPathMetadata: Bool
        /// Upload this owner marker as the `aisearch_owner` metadata field (the instance declares
        /// it); nil: not sent.
        public var ownerMetadata: String?
        /// How long `--wait` follows one item after the upload answered before giving up on it.
        public var followLimit: Duration
        public var retryBackoff: Duration
        /// Called after each request-bearing action finishes (done, total, the key): for a progress bar.
        public var progress: (@Sendable (_ done: Int, _ total: Int, _ key: ItemKey) -> Void)?
        /// Closed by a graceful stop: no request starts after that, the ones in flight finish
        /// (unlike cancellation, which abandons them while they may still land).
        public var gate: WorkGate?

        public init(concurrency: Int = 4, waitForCompletion: Bool = false, uploadsDigestMetadata: Bool = false,
                    uploadsPathMetadata: Bool = false, followLimit: Duration = .seconds(120), retryBackoff: Duration = .seconds(30)) {
            self.concurrency = max(1, concurrency)
            self.waitForCompletion = waitForCompletion
            self.uploadsDigestMetadata = uploadsDigestMetadata
            self.uploadsPathMetadata = uploadsPathMetadata
            self.followLimit = followLimit
            self.retryBackoff = retryBackoff
        }
    }

    public let store: any RemoteItemStore
    public let root: FilePathBytes
    public let keyMapper: KeyMapper
    public let sizeLimit: Int64
    public let options: Options
    /// Wall-clock nanoseconds since the epoch, for the journal.
    public let now: @Sendable () -> Int64

    public init(store: any RemoteItemStore, root: FilePathBytes, keyMapper: KeyMapper, sizeLimit: Int64 = EligibilityPolicy.defaultSizeLimit,
                options: Options = Options(), now: @escaping @Sendable () -> Int64 = wallClockNanoseconds) {
        self.store = store
        self.root = root
        self.keyMapper = keyMapper
        self.sizeLimit = sizeLimit
        self.options = options
        self.now = now
    }

    /// One unit of work of a plan.
    enum Work: Sendable {
        case upload(UploadAction)
        case delete(DeleteAction)
        case reindex(ReindexAction)
        case verify(VerifyAction)

        var key: ItemKey {
            switch self {
            case .upload(let action): action.key
            case .delete(let action): action.key
            case .reindex(let action): action.key
            case .verify(let action): action.key
            }
        }
    }

    /// Runs every request of `plan`; applies its bookkeeping first. Cancellation, or a closed
    /// `Options.gate`, stops taking new work (what is left stays journaled as pending); on
    /// cancellation what is in flight finishes or fails as the transport decides.
    public func execute(_ plan: SyncPlan, state: StateStore) async -> ExecutionReport {
        await state.apply(plan.bookkeeping(atNanoseconds: now()))
        let kind = await state.checksumKind
        var queue: [Work] = plan.deletes.map(Work.delete) + plan.verifications.map(Work.verify)
            + plan.uploads.map(Work.upload) + plan.reindexes.map(Work.reindex)
        await state.apply(queue.compactMap { work -> StateChange? in
            switch work {
            case .upload(let action): .enqueue(PendingOperation(key: action.key, kind: .upload, contentSHA256: action.sha256))
            case .delete(let action): .enqueue(PendingOperation(key: action.key, kind: .delete, itemID: action.itemID))
            case .reindex(let action): .enqueue(PendingOperation(key: action.key, kind: .reindex, contentSHA256: action.sha256, itemID: action.itemID))
            case .verify: nil
            }
        })
        // The intents reach the disk before any request leaves: if this process is killed, the
        // next one knows which keys a late request of ours may still change (not another writer).
        if queue.contains(where: { if case .verify = $0 { false } else { true } }) { try? await state.flush() }
        queue.reverse()  // popLast takes them in plan order
        let total = queue.count
        let writes = plan.uploads.count + plan.deletes.count
        if writes > 0 { await store.roundWillStart(uploads: plan.uploads.count, deletes: plan.deletes.count) }
        var finishedCount = 0
        var report = ExecutionReport()
        await withTaskGroup(of: (ExecutionReport, ItemKey).self) { group in
            var running = 0
            while !queue.isEmpty || running > 0 {
                while running < options.concurrency, !Task.isCancelled, options.gate?.isClosed != true, let work = queue.popLast() {
                    group.addTask { (await perform(work, state: state, checksumKind: kind), work.key) }
                    running += 1
                }
                guard running > 0, let (finished, key) = await group.next() else { break }
                running -= 1
                finishedCount += 1
                report.merge(finished)
                options.progress?(finishedCount, total, key)
            }
        }
        if writes > 0 {
            let completion = await store.roundDidEnd(waitForCompletion: options.waitForCompletion)
            report.requests += completion.requests
            report.jobID = completion.jobID
            if let failure = completion.failure {
                report.failures.append(.init(key: ItemKey(""), operation: "sync job", message: failure, httpStatus: nil, isTerminal: false))
            }
        }
        return report
    }

    private func perform(_ work: Work, state: StateStore, checksumKind: InstanceChecksumKind) async -> ExecutionReport {
        var report = ExecutionReport()
        do {
            switch work {
            case .upload(let action):
                try await upload(key: action.key, path: action.path, state: state, checksumKind: checksumKind, report: &report)
            case .delete(let action):
                report.requests += 1
                try await store.delete(itemID: action.itemID)
                await state.apply([.recordRemote(action.key, path: FilePathBytes([]), record: nil), .completed(action.key)])
                report.deleted.append(action.key)
            case .reindex(let action):
                report.requests += 1
                let item = try await store.reindex(itemID: action.itemID, waitForCompletion: options.waitForCompletion)
                await state.apply([.reindexRequested(action.key), .remoteStatus(action.key, item.status), .completed(action.key)])
                report.reindexed.append(action.key)
                report.touched[action.key] = .init(key: action.key, itemID: item.id)
                if options.waitForCompletion { try await follow(item, key: action.key, state: state, report: &report) }
            case .verify(let action):
                try await verify(action, state: state, checksumKind: checksumKind, report: &report)
            }
        } catch {
            await recordFailure(error, work: work, state: state, report: &report)
        }
        return report
    }

    // MARK: - Upload

    private func upload(key: ItemKey, path: FilePathBytes, state: StateStore, checksumKind: InstanceChecksumKind,
                        report: inout ExecutionReport) async throws {
        let content = try FileContent.read(root.appending(path), limit: sizeLimit)
        let digest = SHA256.hash(content.bytes)
        var metadata: [String: JSONValue] = [:]
        if options.uploadsDigestMetadata { metadata[SyncMetadata.sha256Field] = .string(digest.hex) }
        if let owner = options.ownerMetadata { metadata[SyncMetadata.ownerField] = .string(owner) }
        if options.uploadsPathMetadata, let mapping = try? keyMapper.mapping(for: path), mapping.isShortened {
            for (field, value) in mapping.metadata { metadata[field] = .string(value) }
        }
        report.requests += 1
        let item = try await store.upload(key: key, contents: content.bytes, metadata: metadata.isEmpty ? nil : metadata,
                                          waitForCompletion: options.waitForCompletion)
        report.uploaded.append(key)
        report.bytesUploaded += Int64(content.bytes.count)
        report.touched[key] = .init(key: key, itemID: item.id, changedAtNanoseconds: content.status.modificationTimeNanoseconds,
                                    acceptedAtNanoseconds: now())
        var changes: [StateChange] = [
            .hashed(key, path: path, status: content.status, sha256: digest),
            .recordRemote(key, path: path, record: RemoteRecord(itemID: item.id, checksum: item.checksum, status: item.status, contentSHA256: digest)),
            .completed(key),
        ]
        if checksumKind == .unknown, let learned = InstanceChecksumKind.detect(checksum: item.checksum, digests: allDigests(of: content.bytes, sha256: digest)) {
            changes.append(.checksumKind(learned))
        }
        await state.apply(changes)
        if options.waitForCompletion { try await follow(item, key: key, state: state, report: &report) }
    }

    private func allDigests(of bytes: [UInt8], sha256: SHA256Digest) -> [ChecksumAlgorithm: String] {
        [.sha256: sha256.hex, .md5: MD5.hash(bytes).hex, .sha1: SHA1.hash(bytes).hex]
    }

    // MARK: - Verify by download

    private func verify(_ action: VerifyAction, state: StateStore, checksumKind: InstanceChecksumKind,
                        report: inout ExecutionReport) async throws {
        report.requests += 1
        let remote = try await store.download(itemID: action.itemID)
        let local = try FileContent.read(root.appending(action.path), limit: sizeLimit)
        let localDigest = SHA256.hash(local.bytes)
        guard SHA256.hash(remote) == localDigest else {
            await state.apply([.enqueue(PendingOperation(key: action.key, kind: .upload, contentSHA256: localDigest))])
            try? await state.flush()  // the intent reaches the disk before the request, as in `execute`
            try await upload(key: action.key, path: action.path, state: state, checksumKind: checksumKind, report: &report)
            return
        }
        var changes: [StateChange] = [
            .hashed(action.key, path: action.path, status: local.status, sha256: localDigest),
            .recordRemote(action.key, path: action.path, record: RemoteRecord(itemID: action.itemID, checksum: action.checksum,
                                                                                status: action.status, contentSHA256: localDigest)),
        ]
        if checksumKind == .unknown, let learned = InstanceChecksumKind.detect(checksum: action.checksum, digests: allDigests(of: local.bytes, sha256: localDigest)) {
            changes.append(.checksumKind(learned))
        }
        await state.apply(changes)
        report.verifiedEqual.append(action.key)
    }

    // MARK: - Following an item to a settled status

    private func follow(_ first: Item, key: ItemKey, state: StateStore, report: inout ExecutionReport) async throws {
        var item = first
        var delay = Duration.milliseconds(250)
        let clock = JobPoolClock()
        let deadline = clock.now.advanced(by: options.followLimit)
        while item.status == .queued || item.status == .running, clock.now < deadline {
            try await clock.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
            report.requests += 1
            item = try await store.get(itemID: item.id)
        }
        await state.apply([.remoteStatus(key, item.status)])
        if item.status == .completed { report.touched[key]?.completedAtNanoseconds = now() }
        guard item.status == .error || item.status == .skipped else { return }
        report.requests += 1
        let log = try? await store.lastLogMessage(itemID: item.id)
        report.unindexed.append(.init(key: key, itemID: item.id, status: item.status, error: item.error, lastLog: log ?? nil))
    }

    // MARK: - Failures

    private func recordFailure(_ error: any Error, work: Work, state: StateStore, report: inout ExecutionReport) async {
        let operation: (name: String, kind: OperationKind?, sha: SHA256Digest?) = switch work {
        case .upload(let action): ("upload", .upload, action.sha256)
        case .delete: ("delete", .delete, nil)
        case .reindex(let action): ("reindex", .reindex, action.sha256)
        case .verify(let action): ("verify", .upload, action.sha256)
        }
        let status = (error as? APIError)?.status
        let isTerminal = Self.isTerminal(error)
        let message = Self.oneLine(error)
        report.failures.append(.init(key: work.key, operation: operation.name, message: message, httpStatus: status, isTerminal: isTerminal))
        guard let kind = operation.kind else { return }
        if isTerminal {
            await state.apply([.terminalFailure(TerminalFailure(key: work.key, kind: kind, contentSHA256: operation.sha, httpStatus: status,
                                                                message: message, recordedAtNanoseconds: now()))])
        } else {
            let next = now() + Int64(options.retryBackoff.components.seconds) * 1_000_000_000
            await state.apply([.retryableFailure(work.key, error: message, nextAttemptNanoseconds: next)])
        }
    }

    /// A 4xx other than 408/409/429 comes back the same for the same request; so does a local
    /// file that cannot be read as required (too large now, not a regular file).
    static func isTerminal(_ error: any Error) -> Bool {
        if let error = error as? APIError { return (400..<500).contains(error.status) && ![408, 409, 429].contains(error.status) }
        if let error = error as? FileContentError { return error.isTerminal }
        return false
    }

    static func oneLine(_ error: any Error) -> String {
        String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

/// Wall-clock time in nanoseconds since the epoch.
@Sendable public func wallClockNanoseconds() -> Int64 {
    StateFiles.realtimeNanoseconds()
}
