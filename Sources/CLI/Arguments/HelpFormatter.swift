/// Renders the help screen of one command, laid out for a given width:
///
/// ```
/// OVERVIEW: <abstract>
///
/// <discussion>
///
/// USAGE: <program> <command> --required <value> [<options>] <argument>
///
/// ARGUMENTS:
///   <argument>              Help text.
///
/// OPTIONS:
///   -i, --instance <name>   Help text. (default: x) (env: VARIABLE)
///   -h, --help              Show help information.
///
/// GLOBAL OPTIONS:
///   -v, --verbose           Help text of a global option declared on the root.
///
/// SUBCOMMANDS:
///   list                    Abstract of the subcommand.
///
///   See '<program> help <command> <subcommand>' for detailed help.
/// ```
///
/// OPTIONS lists the global options of the groups between the root and the command first, then
/// the command's own; GLOBAL OPTIONS lists the root's global options (on every page but the
/// root's, where they are ordinary OPTIONS). Labels are indented by two and their descriptions
/// start in one column across the whole screen (a label too long for it puts its description on
/// the next line); descriptions wrap within the width.
public struct HelpFormatter: Sendable {
    /// The command whose help is shown, preceded by its ancestors (the root first).
    public let path: [CommandSpec]
    public let width: Int

    /// The widest label that still shares a line with its description.
    static let maximumLabelWidth = 26
    /// Descriptions get at least this many columns; on narrow terminals labels give way.
    static let minimumTextWidth = 24

    public init(path: [CommandSpec], width: Int) {
        precondition(!path.isEmpty, "HelpFormatter needs at least the root command")
        self.path = path
        self.width = max(width, 40)
    }

    private var command: CommandSpec { path[path.count - 1] }
    private var words: String { path.map(\.name).joined(separator: " ") }

    public func render() -> String {
        var blocks: [[String]] = []
        if !command.abstract.isEmpty { blocks.append(TextLayout.wrap("OVERVIEW: " + command.abstract, to: width)) }
        if !command.discussion.isEmpty { blocks.append(TextLayout.wrapParagraphs(command.discussion, to: width)) }
        blocks.append(usageLines())

        let sections = helpSections()
        let widestLabel = sections.flatMap(\.rows).map { TextLayout.width(of: $0.label) }.max() ?? 0
        let labelWidth = min(Self.maximumLabelWidth, widestLabel, width - 4 - Self.minimumTextWidth)
        for section in sections where !section.rows.isEmpty {
            var lines = [section.title + ":"]
            for row in section.rows { lines += layout(row, labelWidth: labelWidth) }
            if let footer = section.footer { lines += [""] + TextLayout.wrap(footer, to: width - 2).map { "  " + $0 } }
            blocks.append(lines)
        }
        return blocks.map { $0.joined(separator: "\n") }.joined(separator: "\n\n") + "\n"
    }

    // MARK: Usage line

    private func usageLines() -> [String] {
        var parts = path.map(\.name)
        if !command.subcommands.isEmpty {
            parts.append(command.run == nil ? "<subcommand>" : "[<subcommand>]")
        }
        if command.subcommands.isEmpty || command.run != nil {
            let options = inheritedOptions + command.options
            parts += options.filter(\.isRequired).map(\.usageLabel)
            parts.append("[<options>]")
            parts += command.arguments.map(\.usageLabel)
        }
        let lead = "USAGE: "
        let indent = String(repeating: " ", count: lead.count + 2)
        return TextLayout.wrap(parts.joined(separator: " "), to: width - indent.count)
            .enumerated().map { ($0.offset == 0 ? lead : indent) + $0.element }
    }

    // MARK: Sections

    private struct Row {
        var label: String
        var text: String
    }

    private struct Section {
        var title: String
        var rows: [Row]
        var footer: String?
    }

    private var inheritedOptions: [OptionSpec] {
        path.dropLast().flatMap { $0.options.filter(\.isGlobal) }
    }

    private func helpSections() -> [Section] {
        let arguments = command.arguments.map { argument in
            Row(label: argument.arity == .variadic ? "<\(argument.name)> ..." : "<\(argument.name)>",
                text: describe(argument.help, allowed: argument.allowedValues, default: argument.defaultValue, environment: nil))
        }
        // Options inherited from a group sit with the command's own; only the root's are "global".
        let fromGroups = path.dropFirst().dropLast().flatMap { $0.options.filter(\.isGlobal) }
        var options = (fromGroups + command.options).map(row(for:))
        options.append(Row(label: "-h, --help", text: "Show help information."))
        if path.count == 1, command.version != nil {
            options.append(Row(label: "    --version", text: "Show the version."))
        }
        var subcommands = command.subcommands.map { Row(label: $0.name, text: $0.abstract) }
        if path.count == 1, !subcommands.isEmpty {
            subcommands.append(Row(label: "help", text: "Show help for a command."))
        }
        let footer = subcommands.isEmpty ? nil : "See '\(path[0].name) help \(path.dropFirst().map(\.name).map { $0 + " " }.joined())<subcommand>' for detailed help."
        return [
            Section(title: "ARGUMENTS", rows: arguments),
            Section(title: "OPTIONS", rows: options),
            Section(title: "GLOBAL OPTIONS", rows: path.count == 1 ? [] : path[0].options.filter(\.isGlobal).map(row(for:))),
            Section(title: "SUBCOMMANDS", rows: subcommands, footer: footer),
        ]
    }

    private func row(for option: OptionSpec) -> Row {
        Row(label: option.helpLabel,
            text: describe(option.help, allowed: option.allowedValues, default: option.defaultValue, environment: option.environment)
                + (option.isRequired ? " (required)" : ""))
    }

    private func describe(_ help: String, allowed: [String], default fallback: String?, environment: String?) -> String {
        var text = help
        if !allowed.isEmpty { text += " (values: \(allowed.joined(separator: ", ")))" }
        if let fallback { text += " (default: \(fallback))" }
        if let environment { text += " (env: \(environment))" }
        return text
    }

    /// `  label   text`, with the text wrapped in its column.
    private func layout(_ row: Row, labelWidth: Int) -> [String] {
        let textColumn = 2 + labelWidth + 2
        let textLines = TextLayout.wrap(row.text, to: width - textColumn)
        let indent = String(repeating: " ", count: textColumn)
        let label = "  " + row.label
        guard let first = textLines.first else { return [label] }
        var lines: [String]
        if TextLayout.width(of: row.label) <= labelWidth {
            lines = [TextLayout.pad(label, to: textColumn) + first]
        } else {
            lines = [label, indent + first]
        }
        lines += textLines.dropFirst().map { indent + $0 }
        return lines
    }
}
