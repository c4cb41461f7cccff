/// Jobs of instances with an external source: `…/instances/{id}/jobs[/{job_id}[/logs]]`.
extension AISearchClient {
    /// Starts a sync of the instance's source (at most one manual job every 30 s).
    public func createJob(in instance: String, description: String? = nil) async throws -> Job {
        try await result(Call(.post, paths.jobs(instance)).json(JobBody(description: description)))
    }

    public func listJobs(in instance: String, page: Int? = nil, perPage: Int? = nil) async throws -> Page<Job> {
        let query = pagingQuery(page: page, perPage: perPage)
        return try await self.page(Call(.get, paths.jobs(instance), query: query))
    }

    public func getJob(_ jobID: String, in instance: String) async throws -> Job {
        try await result(Call(.get, paths.job(jobID, in: instance)))
    }

    public func jobLogs(_ jobID: String, in instance: String, page: Int? = nil, perPage: Int? = nil) async throws
        -> Page<JobLog> {
        let query = pagingQuery(page: page, perPage: perPage)
        return try await self.page(Call(.get, paths.job(jobID, in: instance) + "/logs", query: query))
    }

    /// Cancels a running job (`PATCH`, `{action: "cancel"}`).
    public func cancelJob(_ jobID: String, in instance: String) async throws -> Job {
        try await result(Call(.patch, paths.job(jobID, in: instance)).json(JobBody(action: "cancel")))
    }
}

struct JobBody: Encodable {
    var description: String?
    var action: String?
}
