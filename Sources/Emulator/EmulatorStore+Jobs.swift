import AISearchAPI
import Foundation

/// Jobs. On an instance with an external source a job re-queues every item of the instance and
/// ends, `completed`, when they have settled (one processing delay later). Built-in storage has
/// no sync jobs ("each file is processed individually as it is uploaded"), but the API accepts
/// the call: such a job ends at once, with a log saying there was nothing to sync. An R2-backed
/// instance's job compares its bucket with its items instead (`EmulatorStore+R2.swift`).
extension EmulatorStore {
    func createJob(_ key: InstanceKey, description: String?) throws(EmulatorError) -> Job {
        var state = try existing(key)
        if let bucket = state.record.r2Bucket { return createBucketJob(key, bucket: bucket, description: description) }
        let now = clock.now
        let id = UUID().uuidString.lowercased()
        var record = JobRecord(job: Job(id: id, source: .user, description: description, startedAt: Timestamp.iso8601(now),
                                        lastSeenAt: Timestamp.iso8601(now)),
                               instance: key, createdAt: now, plannedEnd: now)
        record.appendLog("Job started by user", at: now)
        if state.record.hasExternalSource {
            let ids = state.items.values.filter { !$0.pendingDelete }.map(\.id).sorted()
            record.plannedEnd = now.addingTimeInterval(settings.processingDelay.timeInterval)
            record.appendLog("Syncing \(ids.count) items from \(state.record.externalSourceID)", at: now)
            state.jobs[id] = record
            instances[key] = state
            for itemID in ids {
                _ = try? sync(key, itemID: itemID, waiting: false)
            }
        } else {
            record.appendLog("Built-in storage indexes each file on upload; nothing to sync", at: now)
            state.jobs[id] = record
            instances[key] = state
        }
        refresh(key)
        markDirty()
        return instances[key]!.jobs[id]!.job
    }

    /// Newest first.
    func listJobs(_ key: InstanceKey) throws(EmulatorError) -> [Job] {
        try existing(key).jobs.values.sorted { ($0.createdAt, $0.job.id) > ($1.createdAt, $1.job.id) }.map(\.job)
    }

    func job(_ key: InstanceKey, jobID: String) throws(EmulatorError) -> Job {
        try existingJob(key, jobID).job
    }

    func jobLogs(_ key: InstanceKey, jobID: String) throws(EmulatorError) -> [JobLog] {
        try existingJob(key, jobID).logs
    }

    /// Ends a running job with `end_reason: "cancelled"`; a job that has ended is a 400.
    func cancelJob(_ key: InstanceKey, jobID: String) throws(EmulatorError) -> Job {
        var record = try existingJob(key, jobID)
        guard record.job.endedAt == nil else { throw .jobAlreadyEnded(jobID) }
        let now = clock.now
        record.job.endedAt = Timestamp.iso8601(now)
        record.job.endReason = "cancelled"
        record.job.lastSeenAt = Timestamp.iso8601(now)
        record.appendLog("Job cancelled by user", at: now, type: 1)
        instances[key]?.jobs[jobID] = record
        markDirty()
        return record.job
    }

    /// Ends the jobs whose planned end has come. Returns whether anything changed.
    func refreshJobs(_ state: inout InstanceState, now: Date) -> Bool {
        var changed = false
        for (id, var record) in state.jobs where record.job.endedAt == nil && now >= record.plannedEnd {
            let end = record.plannedEnd
            let settled = state.items.values.filter { $0.schedule == nil }.count
            record.appendLog("Processed \(settled) items", at: end)
            record.appendLog("Job completed", at: end)
            record.job.endedAt = Timestamp.iso8601(end)
            record.job.endReason = "completed"
            record.job.lastSeenAt = Timestamp.iso8601(end)
            state.jobs[id] = record
            changed = true
        }
        return changed
    }

    private func existingJob(_ key: InstanceKey, _ jobID: String) throws(EmulatorError) -> JobRecord {
        guard let job = try existing(key).jobs[jobID] else {
            throw .notFound("/ai-search/namespaces/\(key.namespace)/instances/\(key.id)/jobs/\(jobID)")
        }
        return job
    }
}

extension JobRecord {
    /// `type`: 0 information, 1 warning, 2 error.
    mutating func appendLog(_ message: String, at time: Date, type: Int = 0) {
        logs.append(JobLog(id: logs.count + 1, createdAt: time.timeIntervalSince1970, message: message, messageType: type))
    }
}
