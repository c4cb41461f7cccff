import AISearchAPI

/// `aisearch-sync namespaces list|get|create|update|delete`: the account's namespaces.
enum NamespacesCommand {
    static func spec(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec(
            "namespaces", abstract: "List, create, update and delete namespaces.",
            discussion: "Every account has a namespace named 'default'; instances live in a namespace.",
            subcommands: [list(dependencies), get(dependencies), create(dependencies), update(dependencies),
                          delete(dependencies)])
    }

    private static let name = ArgumentSpec.required("name", help: "The namespace's name.")
    private static let search = OptionSpec.value("--search", valueName: "text", help: "Only namespaces whose name contains this.")
    private static let description = OptionSpec.value("--description", valueName: "text", help: "What the namespace is for.")

    static func list(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("list", abstract: "List the account's namespaces.", options: [search] + Paging.options) { context in
            let client = try dependencies.client(for: context)
            let query = try context.arguments.string(search.name)
            let namespaces = try await Paging(context.arguments).entries { page, perPage in
                try await client.listNamespaces(page: page, perPage: perPage, search: query)
            }
            try Presentation.show(namespaces, context) {
                var table = Table(columns: [.init("NAME", isTruncatable: false), .init("DESCRIPTION"), .init("CREATED")],
                                  emptyMessage: "No namespaces.")
                for namespace in namespaces {
                    table.append([namespace.name, namespace.description ?? "", Presentation.date(namespace.createdAt)])
                }
                context.printTable(table)
            }
        }
    }

    static func get(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("get", abstract: "Show one namespace.", arguments: [name]) { context in
            let namespace = try await dependencies.client(for: context).getNamespace(try context.arguments.requireString(name.name))
            try show(namespace, context)
        }
    }

    static func create(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("create", abstract: "Create a namespace.", arguments: [name], options: [description]) { context in
            let namespace = try await dependencies.client(for: context).createNamespace(
                name: try context.arguments.requireString(name.name),
                description: try context.arguments.string(description.name))
            try show(namespace, context)
        }
    }

    static func update(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("update", abstract: "Change a namespace's description.", arguments: [name],
                    options: [description.required]) { context in
            let namespace = try await dependencies.client(for: context).updateNamespace(
                try context.arguments.requireString(name.name),
                description: try context.arguments.string(description.name))
            try show(namespace, context)
        }
    }

    static func delete(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("delete", abstract: "Delete an empty namespace ('default' cannot be deleted).", arguments: [name],
                    options: [Confirmation.force]) { context in
            let namespace = try context.arguments.requireString(name.name)
            let client = try dependencies.client(for: context)
            try Confirmation(question: "Delete namespace \(namespace)?", action: "delete namespace \(namespace)")
                .ask(context, dependencies: dependencies)
            try await client.deleteNamespace(namespace)
            try Presentation.show(["name": namespace], context) {
                context.print("Deleted namespace \(namespace).")
            }
        }
    }

    private static func show(_ namespace: Namespace, _ context: CommandContext) throws {
        try Presentation.show(namespace, context) {
            Presentation.details([
                ("name", namespace.name),
                ("description", namespace.description),
                ("created", namespace.createdAt.map { Presentation.date($0, seconds: true) }),
            ], context)
        }
    }
}
