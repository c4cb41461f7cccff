import AISearchAPI
import Foundation
import LinuxSystem

/// `aisearch-sync items …`: the files of one instance, one API call per command.
enum ItemsCommand {
    static let instance = OptionSpec.value(
        "--instance", short: "i", valueName: "id", help: "The instance the items belong to.",
        environment: "AISEARCH_INSTANCE", isGlobal: true)

    static func spec(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec(
            "items", abstract: "List, upload, re-index, download and delete the items (files) of an instance.",
            discussion: """
            Examples:
              aisearch-sync items list -i docs --status error
              aisearch-sync items upload guide.md -i docs --key manuals/guide.md --wait
              aisearch-sync items download 0b6c… -i docs -o guide.md
            """,
            options: [instance],
            subcommands: [list(dependencies), get(dependencies), upload(dependencies), createOrUpdate(dependencies),
                          sync(dependencies), delete(dependencies), logs(dependencies), chunks(dependencies),
                          download(dependencies)])
    }

    /// The largest file the API accepts.
    static let maximumUploadBytes = 4 * 1024 * 1024
    /// The longest key the API accepts.
    static let maximumKeyLength = 128

    private static let itemID = ArgumentSpec.required("item", help: "The item's id (a UUID, see 'items list') or its key.")
    private static let wait = OptionSpec.flag("--wait", help: "Answer only when indexing is done (up to about 40 s).")

    // MARK: list

    private static let key = OptionSpec.value("--key", valueName: "key", help: "Only the item with this key.")
    private static let itemIDFilter = OptionSpec.value("--item-id", valueName: "id", help: "Only the item with this id.")
    private static let source = OptionSpec.value("--source", valueName: "source", help: "Only items of this source ('builtin' for uploads).")
    private static let status = OptionSpec.value("--status", valueName: "status", help: "Only items in this state.",
                                                 allowedValues: Item.Status.allCases.map(\.rawValue))
    private static let search = OptionSpec.value("--search", valueName: "text", help: "Only items whose key contains this.")
    private static let sortBy = OptionSpec.value("--sort-by", valueName: "order", help: "Sort order.",
                                                 allowedValues: ["status", "modified_at"])
    private static let metadataFilter = OptionSpec.value("--metadata-filter", valueName: "json",
                                                         help: #"A metadata filter as a JSON object, e.g. '{"folder":"reports/"}'."#)

    static func list(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("list", abstract: "List the instance's items.",
                    options: [key, itemIDFilter, source, status, search, sortBy, metadataFilter] + Paging.options) { context in
            let arguments = context.arguments
            let instance = try InstanceID.required(arguments, option: Self.instance.name)
            let paging = try Paging(arguments)
            var query = ItemListQuery(
                key: try arguments.string(key.name), itemID: try arguments.string(itemIDFilter.name),
                source: try arguments.string(source.name), status: try arguments.string(status.name).flatMap(Item.Status.init),
                search: try arguments.string(search.name),
                sortBy: try arguments.string(sortBy.name).flatMap(ItemListQuery.SortOrder.init),
                metadataFilter: try arguments.value(metadataFilter.name, expecting: "a JSON object", JSONArgument.object)
                    .map(JSONValue.object),
                page: paging.page, perPage: paging.perPage)
            let client = try dependencies.client(for: context)
            let items: [Item]
            var total: Int?
            if paging.followsPages {
                query.perPage = paging.perPage ?? 50
                items = try await client.listAllItems(in: instance, query: query)
            } else {
                let page = try await client.listItems(in: instance, query: query)
                items = page.items
                total = page.totalCount
            }
            try Presentation.show(items, context) {
                var table = Table(columns: [.key(), .init("STATUS"), .init("SIZE", alignment: .right),
                                            .init("CHECKSUM", shrinkRank: 0), .identifier(), .init("LAST SEEN")],
                                  emptyMessage: "No items in instance \(instance).")
                for item in items {
                    table.append([item.key, item.status.rawValue, Presentation.size(item.fileSize),
                                  Presentation.shortChecksum(item.checksum), item.id, Presentation.date(item.lastSeenAt)])
                }
                context.printTable(table)
                Paging.printFooter(shown: items.count, total: total, context: context)
            }
        }
    }

    // MARK: one item

    static func get(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("get", abstract: "Show one item.", arguments: [itemID]) { context in
            let (client, instance) = try target(context, dependencies)
            let id = try await resolve(try context.arguments.requireString(itemID.name), client: client, instance: instance)
            try show(try await client.getItem(id, in: instance), context)
        }
    }

    private static let file = ArgumentSpec.required("file", help: "The file to upload (at most 4 MiB).")
    private static let uploadKey = OptionSpec.value("--key", valueName: "key", help: "The item's key (default: the file's name).")
    private static let metadata = OptionSpec.value("--metadata", valueName: "json",
                                                   help: #"Custom metadata as a JSON object, e.g. '{"digest":"ab12…"}'."#)

    static func upload(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("upload", abstract: "Upload a file as an item of the instance.",
                    arguments: [file], options: [uploadKey, metadata, wait]) { context in
            let arguments = context.arguments
            let path = try arguments.requireString(file.name)
            let key = try arguments.string(uploadKey.name) ?? String(path.split(separator: "/").last ?? "")
            guard !key.isEmpty else { throw UsageError("no key: '\(path)' has no file name; pass --key") }
            guard key.count <= maximumKeyLength else {
                throw UsageError("key '\(key)' is \(key.count) characters; the API allows at most \(maximumKeyLength)")
            }
            let fields = try arguments.value(metadata.name, expecting: "a JSON object", JSONArgument.object)
            let (client, instance) = try target(context, dependencies)
            let contents: [UInt8]
            do {
                contents = try LocalFile.read(path, limit: maximumUploadBytes)
            } catch let error as SystemError where error.errno.rawValue == EFBIG {
                throw UsageError("\(path) is larger than 4 MiB, the most the API accepts for one file")
            }
            let item = try await client.uploadItem(to: instance, key: key, contents: contents, metadata: fields,
                                                   waitForCompletion: try arguments.flag(wait.name))
            try show(item, context)
        }
    }

    static func createOrUpdate(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("create-or-update", abstract: "Index the item with this key from the instance's source (no upload).",
                    arguments: [.required("key", help: "The key of the object in the instance's source.")],
                    options: [wait]) { context in
            let (client, instance) = try target(context, dependencies)
            let item = try await client.createOrUpdateItem(in: instance, key: try context.arguments.requireString("key"),
                                                           waitForCompletion: try context.arguments.flag(wait.name))
            try show(item, context)
        }
    }

    static func sync(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("sync", abstract: "Re-index one item.", arguments: [itemID], options: [wait]) { context in
            let (client, instance) = try target(context, dependencies)
            let id = try await resolve(try context.arguments.requireString(itemID.name), client: client, instance: instance)
            let item = try await client.syncItem(id, in: instance,
                                                 waitForCompletion: try context.arguments.flag(wait.name))
            try show(item, context)
        }
    }

    static func delete(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("delete", abstract: "Delete an item: its file and its index entries.", arguments: [itemID],
                    options: [Confirmation.force]) { context in
            let given = try context.arguments.requireString(itemID.name)
            let (client, instance) = try target(context, dependencies)
            // Asked before the key is looked up: nothing is sent until the answer is yes.
            try Confirmation(question: "Delete item \(given) from instance \(instance)?",
                             action: "delete item \(given) from instance \(instance)").ask(context, dependencies: dependencies)
            let id = try await resolve(given, client: client, instance: instance)
            let deleted = try await client.deleteItem(id, in: instance)
            try Presentation.show(deleted, context) {
                context.print("Deleted item \(deleted.key) (\(id)) from instance \(instance).")
            }
        }
    }

    // MARK: logs, chunks, download

    private static let cursor = OptionSpec.value("--cursor", valueName: "cursor", help: "Continue from this cursor (printed after a page).")
    private static let limit = OptionSpec.value("--limit", valueName: "n", help: "At most this many entries.")
    private static let offset = OptionSpec.value("--offset", valueName: "n", help: "Skip this many chunks.")

    static func logs(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("logs", abstract: "Show an item's processing logs, newest first.", arguments: [itemID],
                    options: [cursor, limit]) { context in
            let (client, instance) = try target(context, dependencies)
            let id = try await resolve(try context.arguments.requireString(itemID.name), client: client, instance: instance)
            let page = try await client.itemLogs(id, in: instance, cursor: try context.arguments.string(cursor.name),
                                                 limit: try context.arguments.int(limit.name, atLeast: 1))
            try Presentation.show(page.items, context) {
                var table = Table(columns: [.init("TIME"), .init("ACTION"), .init("CHUNKS", alignment: .right),
                                            .init("MS", alignment: .right), .init("ERROR"), .init("MESSAGE")],
                                  emptyMessage: "No logs for item \(id).")
                for log in page.items {
                    table.append([Presentation.date(log.timestamp, seconds: true), log.action, log.chunkCount.map(String.init) ?? "-",
                                  log.processingTimeMs.map(String.init) ?? "-", log.errorType ?? "", log.message ?? ""])
                }
                context.printTable(table)
            }
            if let next = page.nextCursor, !next.isEmpty, !page.items.isEmpty {
                context.printError("More logs: pass --cursor \(next)")
            }
        }
    }

    static func chunks(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("chunks", abstract: "Show the chunks an item was split into.", arguments: [itemID],
                    options: [limit, offset]) { context in
            let (client, instance) = try target(context, dependencies)
            let id = try await resolve(try context.arguments.requireString(itemID.name), client: client, instance: instance)
            let page = try await client.itemChunks(id, in: instance, limit: try context.arguments.int(limit.name, atLeast: 1),
                                                   offset: try context.arguments.int(offset.name, atLeast: 0))
            try Presentation.show(page.items, context) {
                var table = Table(columns: [.identifier(), .init("BYTES"), .init("TEXT")],
                                  emptyMessage: "No chunks for item \(id).")
                for chunk in page.items {
                    let bytes = switch (chunk.startByte, chunk.endByte) {
                    case let (start?, end?): "\(start)-\(end)"
                    default: "-"
                    }
                    table.append([chunk.id, bytes, chunk.text])
                }
                context.printTable(table)
            }
        }
    }

    private static let output = OptionSpec.value("--output", short: "o", valueName: "file",
                                                 help: "Write the file here instead of to standard output.")

    static func download(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("download", abstract: "Download an item's file, byte for byte.", arguments: [itemID],
                    options: [output]) { context in
            let destination = try context.arguments.string(output.name)
            let (client, instance) = try target(context, dependencies)
            let id = try await resolve(try context.arguments.requireString(itemID.name), client: client, instance: instance)
            let bytes = try await client.downloadItem(id, in: instance)
            if let destination {
                try LocalFile.write(bytes, to: destination)
                context.printError("Wrote \(Presentation.size(Int64(bytes.count))) to \(destination).")
            } else {
                if context.terminal.isInteractive(.standardOutput), String(validating: bytes, as: UTF8.self) == nil {
                    throw UsageError("item \(id) is not text; pass -o FILE to save it instead of printing it to the terminal")
                }
                try dependencies.writeBytes(bytes, context.terminal)
            }
        }
    }

    // MARK: helpers

    /// The client and the `--instance` of a running items command.
    private static func target(_ context: CommandContext, _ dependencies: CommandDependencies) throws
        -> (AISearchClient, String) {
        let instance = try InstanceID.required(context.arguments, option: Self.instance.name)
        return (try dependencies.client(for: context), instance)
    }

    /// The item id `text` names: `text` itself when it is a UUID, otherwise the id of the item
    /// whose key is `text` (one listing with the `key` filter).
    static func resolve(_ text: String, client: AISearchClient, instance: String) async throws -> String {
        if UUID(uuidString: text) != nil { return text }
        let page = try await client.listItems(in: instance, query: ItemListQuery(key: text, perPage: 50))
        guard let item = page.items.first(where: { $0.key == text }) else {
            throw ItemNotFound(key: text, instance: instance)
        }
        return item.id
    }

    private static func show(_ item: Item, _ context: CommandContext) throws {
        try Presentation.show(item, context) {
            Presentation.details([
                ("id", item.id),
                ("key", item.key),
                ("status", item.status.rawValue),
                ("error", item.error),
                ("size", item.fileSize.map { "\(Presentation.size($0)) (\($0) bytes)" }),
                ("checksum", item.checksum.isEmpty ? nil : item.checksum),
                ("chunks", Presentation.text(item.chunksCount)),
                ("source", item.sourceID),
                ("next action", item.nextAction?.rawValue),
                ("metadata", Presentation.json(item.metadata)),
                ("created", Presentation.date(item.createdAt, seconds: true)),
                ("last seen", Presentation.date(item.lastSeenAt, seconds: true)),
            ], context)
        }
    }
}

/// No item has the key given where an item id or key was expected. Exit 1, as a 404 would be.
struct ItemNotFound: UserFacingError {
    var key: String
    var instance: String
    var message: String { "no item with key \(ConfigFile.quoted(key)) in instance \(instance)" }
    var exitCode: ExitCode { .failure }
    var hint: String? { "Give the item's id or its exact key; 'aisearch-sync items list -i \(instance) --search TEXT' finds it." }
}

/// JSON given on the command line (`--metadata`, `--metadata-filter`).
enum JSONArgument {
    /// The text as a JSON object, or `nil` when it is not one.
    static func object(_ text: String) -> [String: JSONValue]? {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { return nil }
        return value.objectValue
    }
}
