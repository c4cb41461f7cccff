import AISearchAPI

/// `aisearch-sync jobs create|list|get|cancel|logs`: sync jobs of instances with an external
/// source (R2, website). Takes the instance as wrangler does (`jobs list INSTANCE`,
/// `jobs get INSTANCE JOB`) or with `--instance`/`AISEARCH_INSTANCE` (`jobs get JOB -i INSTANCE`).
enum JobsCommand {
    static let instance = OptionSpec.value(
        "--instance", short: "i", valueName: "id", help: "The instance, instead of the INSTANCE argument.",
        environment: "AISEARCH_INSTANCE", isGlobal: true)

    static func spec(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec(
            "jobs", abstract: "Start, list, inspect and cancel the sync jobs of an instance.",
            discussion: """
            Jobs re-read an external source (an R2 bucket or a website); instances with built-in \
            storage index each upload at once and have no jobs. A manual job can be started at most \
            every 30 seconds.

            Examples:
              aisearch-sync jobs create docs --description "after the release"
              aisearch-sync jobs list docs
              aisearch-sync jobs logs docs 2f1e…
              aisearch-sync jobs cancel --instance docs 2f1e… -y
            """,
            options: [instance],
            subcommands: [create(dependencies), list(dependencies), get(dependencies), cancel(dependencies),
                          logs(dependencies)])
    }

    private static let instanceArgument = ArgumentSpec.optional(
        "instance", help: "The instance (or give it with --instance; then the one argument is the job).")
    private static let jobArgument = ArgumentSpec.optional("job", help: "The job's id.")
    private static let description = OptionSpec.value("--description", valueName: "text", help: "A note stored with the job.")

    static func create(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("create", abstract: "Start a sync job now.", arguments: [instanceArgument],
                    options: [description]) { context in
            let instance = try instanceOnly(context)
            let job = try await dependencies.client(for: context).createJob(
                in: instance, description: try context.arguments.string(description.name))
            try show(job, context)
        }
    }

    static func list(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("list", abstract: "List the instance's jobs.", arguments: [instanceArgument],
                    options: Paging.options) { context in
            let instance = try instanceOnly(context)
            let client = try dependencies.client(for: context)
            let jobs = try await Paging(context.arguments).entries { page, perPage in
                try await client.listJobs(in: instance, page: page, perPage: perPage)
            }
            try Presentation.show(jobs, context) {
                var table = Table(columns: [.identifier(), .init("SOURCE"), .init("STARTED"),
                                            .init("ENDED"), .init("END REASON"), .init("DESCRIPTION")],
                                  emptyMessage: "No jobs for instance \(instance).")
                for job in jobs {
                    table.append([job.id, job.source.rawValue, Presentation.date(job.startedAt),
                                  job.endedAt.map { Presentation.date($0) } ?? "running", job.endReason ?? "",
                                  job.description ?? ""])
                }
                context.printTable(table)
            }
        }
    }

    static func get(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("get", abstract: "Show one job.", arguments: [instanceArgument, jobArgument]) { context in
            let (instance, job) = try instanceAndJob(context)
            try show(try await dependencies.client(for: context).getJob(job, in: instance), context)
        }
    }

    static func cancel(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("cancel", abstract: "Cancel a running job.", arguments: [instanceArgument, jobArgument],
                    options: [Confirmation.force]) { context in
            let (instance, job) = try instanceAndJob(context)
            let client = try dependencies.client(for: context)
            try Confirmation(question: "Cancel job \(job) of instance \(instance)?",
                             action: "cancel job \(job) of instance \(instance)").ask(context, dependencies: dependencies)
            let cancelled = try await client.cancelJob(job, in: instance)
            try Presentation.show(cancelled, context) {
                context.print("Cancelled job \(job) of instance \(instance).")
            }
        }
    }

    static func logs(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("logs", abstract: "Show a job's logs.", arguments: [instanceArgument, jobArgument],
                    options: Paging.options) { context in
            let (instance, job) = try instanceAndJob(context)
            let client = try dependencies.client(for: context)
            let logs = try await Paging(context.arguments).entries { page, perPage in
                try await client.jobLogs(job, in: instance, page: page, perPage: perPage)
            }
            try Presentation.show(logs, context) {
                var table = Table(columns: [.init("TIME"), .init("TYPE", alignment: .right), .init("MESSAGE")],
                                  emptyMessage: "No logs for job \(job).")
                for log in logs {
                    table.append([Presentation.date(epochSeconds: log.createdAt), String(log.messageType), log.message])
                }
                context.printTable(table)
            }
        }
    }

    // MARK: Where the instance comes from

    /// `create` and `list`: the INSTANCE argument, else `--instance` (or `AISEARCH_INSTANCE`).
    private static func instanceOnly(_ context: CommandContext) throws -> String {
        let arguments = context.arguments
        let option = try arguments.string(instance.name)
        if let positional = try arguments.string(instanceArgument.name) {
            try checkNoConflict(positional, context)
            return try InstanceID.validated(positional, from: "INSTANCE")
        }
        guard let option else { throw missingInstance }
        return try InstanceID.validated(option, from: instance.name)
    }

    /// `get`, `cancel`, `logs`: `INSTANCE JOB`, or `JOB` with `--instance` (or `AISEARCH_INSTANCE`).
    private static func instanceAndJob(_ context: CommandContext) throws -> (instance: String, job: String) {
        let arguments = context.arguments
        let first = try arguments.string(instanceArgument.name)
        let second = try arguments.string(jobArgument.name)
        switch (first, second, try arguments.string(instance.name)) {
        case let (instance?, job?, _):
            try checkNoConflict(instance, context)
            return (try InstanceID.validated(instance, from: "INSTANCE"), job)
        case let (job?, nil, instance?):
            return (try InstanceID.validated(instance, from: Self.instance.name), job)
        case (_?, nil, nil):
            throw missingInstance
        case (nil, _, _):
            throw UsageError("missing argument <job>: pass INSTANCE JOB, or JOB with --instance")
        }
    }

    private static var missingInstance: ConfigurationError {
        ConfigurationError("no instance: pass it as the INSTANCE argument or with --instance (or set AISEARCH_INSTANCE)")
    }

    /// An instance typed both as the argument and as `--instance` must be the same one.
    private static func checkNoConflict(_ positional: String, _ context: CommandContext) throws {
        guard try context.arguments.isGiven(instance.name), let option = try context.arguments.string(instance.name),
              option != positional else { return }
        throw UsageError("two instances given: '\(positional)' and --instance '\(option)'; pass one")
    }

    private static func show(_ job: Job, _ context: CommandContext) throws {
        try Presentation.show(job, context) {
            Presentation.details([
                ("id", job.id),
                ("source", job.source.rawValue),
                ("description", job.description),
                ("started", job.startedAt.map { Presentation.date($0, seconds: true) }),
                ("ended", job.endedAt.map { Presentation.date($0, seconds: true) } ?? "running"),
                ("end reason", job.endReason),
                ("last seen", job.lastSeenAt.map { Presentation.date($0, seconds: true) }),
            ], context)
        }
    }
}
