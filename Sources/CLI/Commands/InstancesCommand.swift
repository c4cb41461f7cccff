import AISearchAPI

/// `aisearch-sync instances create|list|get|update|delete|stats`: wrangler's `ai-search` verbs.
enum InstancesCommand {
    static func spec(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec(
            "instances", abstract: "Create, list, inspect, change and delete AI Search instances.",
            discussion: """
            The same verbs as 'wrangler ai-search'. Instances live in the namespace given by \
            --namespace (default 'default').

            Examples:
              aisearch-sync instances create docs
              aisearch-sync instances create site --type web-crawler --source https://example.com
              aisearch-sync instances update docs --custom-metadata digest:text --paused
            """,
            subcommands: [list(dependencies), get(dependencies), create(dependencies), update(dependencies),
                          delete(dependencies), stats(dependencies)])
    }

    private static let id = ArgumentSpec.required(
        "id", help: "The instance id: 1 to 64 lowercase letters, digits, '-' and '_'.")
    private static let search = OptionSpec.value("--search", valueName: "text", help: "Only instances whose id contains this.")

    static func list(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("list", abstract: "List the instances of the namespace.", options: [search] + Paging.options) { context in
            let client = try dependencies.client(for: context)
            let query = try context.arguments.string(search.name)
            let instances = try await Paging(context.arguments).entries { page, perPage in
                try await client.listInstances(page: page, perPage: perPage, search: query)
            }
            try Presentation.show(instances, context) {
                let empty = client.configuration.pathStyle == .legacy
                    ? "No instances." : "No instances in namespace \(client.configuration.namespace)."
                var table = Table(columns: [.init("ID", isTruncatable: false), .init("STATUS"), .init("TYPE"),
                                            .init("SOURCE"), .init("MODIFIED")], emptyMessage: empty)
                for instance in instances {
                    table.append([instance.id, instance.status ?? "-", instance.settings.type ?? "builtin",
                                  instance.settings.source ?? "-", Presentation.date(instance.modifiedAt)])
                }
                context.printTable(table)
            }
        }
    }

    static func get(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("get", abstract: "Show one instance and its settings.", arguments: [id]) { context in
            let instance = try await dependencies.client(for: context).getInstance(try context.arguments.requireString(id.name))
            try show(instance, context)
        }
    }

    static func create(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("create", abstract: "Create an instance.", arguments: [id],
                    options: InstanceSettingsOptions.options) { context in
            let settings = try InstanceSettingsOptions.settings(from: context.arguments)
            let instance = try await dependencies.client(for: context).createInstance(
                id: try InstanceID.validated(try context.arguments.requireString(id.name), from: "instance id"), settings: settings)
            try show(instance, context)
        }
    }

    static func update(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("update", abstract: "Change an instance's settings (only those given).", arguments: [id],
                    options: InstanceSettingsOptions.options + [InstanceSettingsOptions.resume]) { context in
            let settings = try InstanceSettingsOptions.settings(from: context.arguments, forUpdate: true)
            let instance = try await dependencies.client(for: context).updateInstance(
                try context.arguments.requireString(id.name), settings: settings)
            try show(instance, context)
        }
    }

    static func delete(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("delete", abstract: "Delete an instance and its index.", arguments: [id],
                    options: [Confirmation.force]) { context in
            let instance = try context.arguments.requireString(id.name)
            let client = try dependencies.client(for: context)
            let place = client.configuration.pathStyle == .legacy ? "" : " from namespace \(client.configuration.namespace)"
            try Confirmation(question: "Delete instance \(instance)\(place) and its index?",
                             action: "delete instance \(instance)").ask(context, dependencies: dependencies)
            let deleted = try await client.deleteInstance(instance)
            try Presentation.show(deleted, context) {
                context.print("Deleted instance \(instance).")
            }
        }
    }

    static func stats(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("stats", abstract: "Show how many items are queued, running, completed, in error…", arguments: [id]) { context in
            let stats = try await dependencies.client(for: context).instanceStats(try context.arguments.requireString(id.name))
            try Presentation.show(stats, context) {
                var table = Table(columns: [.init("STAT"), .init("VALUE")])
                let rows: [(String, String?)] = [
                    ("queued", Presentation.text(stats.queued)),
                    ("running", Presentation.text(stats.running)),
                    ("completed", Presentation.text(stats.completed)),
                    ("error", Presentation.text(stats.error)),
                    ("skipped", Presentation.text(stats.skipped)),
                    ("outdated", Presentation.text(stats.outdated)),
                    ("last activity", stats.lastActivity.map { Presentation.date($0, seconds: true) }),
                    ("degraded", Presentation.yesNo(stats.degraded)),
                    ("file embed errors", Presentation.json(stats.fileEmbedErrors)),
                    ("index source errors", Presentation.json(stats.indexSourceErrors)),
                    ("engine", Presentation.json(stats.engine)),
                ]
                for case let (name, value?) in rows { table.append([name, value]) }
                context.printTable(table)
            }
        }
    }

    private static func show(_ instance: Instance, _ context: CommandContext) throws {
        let settings = instance.settings
        try Presentation.show(instance, context) {
            Presentation.details([
                ("id", instance.id),
                ("namespace", instance.namespace),
                ("status", instance.status),
                ("type", settings.type ?? "builtin"),
                ("source", settings.source),
                ("paused", Presentation.yesNo(settings.paused)),
                ("sync interval", settings.syncInterval.map { "\($0) s" }),
                ("chunk size", Presentation.text(settings.chunkSize)),
                ("chunk overlap", Presentation.text(settings.chunkOverlap)),
                ("embedding model", settings.embeddingModel),
                ("max results", Presentation.text(settings.maxNumResults)),
                ("custom metadata", settings.customMetadata.map { fields in
                    fields.map { "\($0.fieldName):\($0.dataType.rawValue)" }.joined(separator: ", ")
                }),
                ("created", Presentation.date(instance.createdAt, seconds: true)),
                ("modified", Presentation.date(instance.modifiedAt, seconds: true)),
            ], context)
        }
    }
}

/// The settings options shared by `instances create` and `instances update`.
enum InstanceSettingsOptions {
    static let type = OptionSpec.value("--type", valueName: "type", help: "Where the content comes from; leave out for built-in storage.",
                                       allowedValues: ["r2", "web-crawler"])
    static let source = OptionSpec.value("--source", valueName: "source", help: "The R2 bucket or the website URL.")
    static let chunkSize = OptionSpec.value("--chunk-size", valueName: "n", help: "Tokens per chunk.")
    static let chunkOverlap = OptionSpec.value("--chunk-overlap", valueName: "n", help: "Tokens shared by neighbouring chunks.")
    static let embeddingModel = OptionSpec.value("--embedding-model", valueName: "model", help: "The embedding model.")
    static let customMetadata = OptionSpec.value(
        "--custom-metadata", valueName: "name:type",
        help: "A custom metadata field (type text, number, boolean or datetime; default text); up to 5.",
        isRepeatable: true)
    static let maxNumResults = OptionSpec.value("--max-num-results", valueName: "n", help: "Most chunks a search returns.")
    static let syncInterval = OptionSpec.value("--sync-interval", valueName: "duration",
                                               help: "How often an external source is re-synced, 15m to 24h (e.g. 6h).")
    static let paused = OptionSpec.flag("--paused", help: "Pause indexing.")
    static let sourcePrefix = OptionSpec.value("--source-prefix", valueName: "prefix",
                                               help: "R2: only keys under this prefix are the instance's (source_params.prefix).")
    static let includeItems = OptionSpec.value("--include-items", valueName: "glob",
                                               help: "Index only keys matching one of these patterns (source_params.include_items; * within a path segment, ** across); up to 10.",
                                               isRepeatable: true)
    static let excludeItems = OptionSpec.value("--exclude-items", valueName: "glob",
                                               help: "Skip keys matching any of these patterns (source_params.exclude_items; wins over --include-items); up to 10. On update, the source options replace the instance's whole source_params.",
                                               isRepeatable: true)
    /// Update only: un-pause.
    static let resume = OptionSpec.flag("--resume", help: "Resume indexing (paused: false).")

    static let options = [type, source, sourcePrefix, includeItems, excludeItems, chunkSize, chunkOverlap, embeddingModel, customMetadata,
                          maxNumResults, syncInterval, paused]

    static func settings(from arguments: ParsedArguments, forUpdate: Bool = false) throws -> InstanceSettings {
        var settings = InstanceSettings()
        settings.type = try arguments.string(type.name)
        settings.source = try arguments.string(source.name)
        settings.chunkSize = try arguments.int(chunkSize.name, atLeast: 1)
        settings.chunkOverlap = try arguments.int(chunkOverlap.name, atLeast: 0)
        settings.embeddingModel = try arguments.string(embeddingModel.name)
        let fields = try arguments.values(customMetadata.name, expecting: "name:type with type text, number, boolean or datetime",
                                          customField)
        if fields.count > 5 { throw UsageError("--custom-metadata: at most 5 fields, got \(fields.count)") }
        settings.customMetadata = fields.isEmpty ? nil : fields
        settings.maxNumResults = try arguments.int(maxNumResults.name, atLeast: 1)
        if let interval = try arguments.duration(syncInterval.name) {
            guard interval >= .seconds(900), interval <= .seconds(86_400) else {
                throw UsageError("--sync-interval: must be between 15m (900 s) and 24h (86400 s)")
            }
            settings.syncInterval = Int(interval.components.seconds)
        }
        if try arguments.flag(paused.name) { settings.paused = true }
        var sourceParams: [String: JSONValue] = [:]
        if let prefix = try arguments.string(sourcePrefix.name) { sourceParams["prefix"] = .string(prefix) }
        for (option, field) in [(includeItems, "include_items"), (excludeItems, "exclude_items")] {
            let patterns = try arguments.strings(option.name)
            if patterns.count > 10 { throw UsageError("\(option.name): at most 10 patterns, got \(patterns.count)") }
            if let empty = patterns.first(where: \.isEmpty) { throw UsageError("\(option.name): a pattern cannot be empty (\"\(empty)\")") }
            if !patterns.isEmpty { sourceParams[field] = .array(patterns.map(JSONValue.string)) }
        }
        if !sourceParams.isEmpty { settings.other["source_params"] = .object(sourceParams) }
        if forUpdate {
            if try arguments.flag(resume.name) {
                if settings.paused == true { throw UsageError("--paused and --resume cannot be used together") }
                settings.paused = false
            }
            if settings == InstanceSettings() {
                throw UsageError("nothing to update: pass at least one setting, e.g. --chunk-size or --paused")
            }
        }
        return settings
    }

    /// `digest:text`, `year:number`, or `title` (text).
    private static func customField(_ text: String) -> CustomMetadataField? {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let name = parts.first, !name.isEmpty else { return nil }
        let typeName = parts.count > 1 ? String(parts[1]) : "text"
        guard let dataType = CustomMetadataField.DataType(rawValue: typeName) else { return nil }
        return CustomMetadataField(fieldName: String(name), dataType: dataType)
    }
}
