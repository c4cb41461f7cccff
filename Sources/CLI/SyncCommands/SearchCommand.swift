import AISearchAPI
import Emulator
import Foundation

/// `aisearch-sync search QUERY --instance ID`: what the instance retrieves for a query, one hit
/// per chunk with its item key, score and a one-line snippet around the first matched word.
enum SearchCommand {
    static let query = ArgumentSpec.optional(
        "query", help: "What to search for (quote several words); with --query, the instance (wrangler's form).")
    static let instance = OptionSpec.value("--instance", short: "i", valueName: "id", help: "The AI Search instance.",
                                           environment: "AISEARCH_INSTANCE")
    static let queryOption = OptionSpec.value("--query", valueName: "text",
                                              help: "What to search for, as wrangler takes it: search NAME --query TEXT.")
    static let maxResults = OptionSpec.value("--max-results", valueName: "n", help: "At most this many hits (1 to 50, default 10).")
    static let maxNumResults = OptionSpec.value("--max-num-results", valueName: "n", help: "The same as --max-results (wrangler's name).")
    static let mode = OptionSpec.value("--mode", valueName: "and|or",
                                       help: "Keyword matching: 'and' needs every word in a chunk, 'or' any.",
                                       defaultValue: "and", allowedValues: ["and", "or"])

    static func spec(_ dependencies: CommandDependencies) -> CommandSpec {
        CommandSpec("search", abstract: "Search an instance and show the matching chunks.",
                    discussion: """
                    Prints each hit's item key and score (1 is the best hit) with a one-line snippet; \
                    matched words are shown in bold on a colour terminal. --json prints the API's answer.

                    Examples:
                      aisearch-sync search "error budget" --instance docs
                      aisearch-sync search kubernetes --instance docs --mode or --max-results 5
                      aisearch-sync search docs --query "error budget" --max-num-results 5
                    """,
                    arguments: [query], options: [instance, queryOption, maxResults, maxNumResults, mode]) { context in
            let arguments = context.arguments
            let (text, id) = try queryAndInstance(arguments)
            let limit = try arguments.int(maxResults.name, atLeast: 1, atMost: 50)
                ?? arguments.int(maxNumResults.name, atLeast: 1, atMost: 50) ?? 10
            let matchMode = try arguments.string(mode.name).flatMap(RetrievalOptions.KeywordMatchMode.init(rawValue:)) ?? .and
            let request = SearchRequest(query: text, options: SearchOptions(
                retrieval: RetrievalOptions(maxNumResults: limit, keywordMatchMode: matchMode)))
            let result = try await dependencies.client(for: context).search(request, in: id)
            try Presentation.show(result, context) { printHits(result, query: text, context: context) }
        }
    }

    /// `search QUERY -i ID`, or wrangler's `search NAME --query TEXT` (`-i` may name the
    /// instance there too, as long as it is the same).
    static func queryAndInstance(_ arguments: ParsedArguments) throws -> (query: String, instance: String) {
        let positional = try arguments.string(query.name)
        let option = try arguments.string(instance.name)
        if let text = try arguments.string(queryOption.name) {
            if let positional, let option, positional != option {
                throw UsageError("two instances given: '\(positional)' and --instance '\(option)'; pass one", commandPath: arguments.commandPath)
            }
            guard let id = positional ?? option else { throw InstanceID.missing }
            return (text, try InstanceID.validated(id, from: positional != nil ? "instance" : instance.name))
        }
        guard let text = positional else {
            throw UsageError("missing query: pass search QUERY -i ID, or search ID --query QUERY", commandPath: arguments.commandPath)
        }
        return (text, try InstanceID.required(arguments, option: instance.name))
    }

    static func printHits(_ result: SearchResult, query: String, context: CommandContext) {
        guard !result.chunks.isEmpty else {
            context.print("No matches.")
            return
        }
        let terms = Set(KeywordTokenizer.queryTerms(in: query))
        let bold = context.terminal.usesColor(.standardOutput)
        let width = max(20, context.terminal.width - 4)
        for (position, chunk) in result.chunks.enumerated() {
            let score = String(format: "%.3f", chunk.score)
            context.print("\(position + 1). \(chunk.itemKey ?? chunk.id)  \(score)")
            context.print("   " + snippet(chunk.text, terms: terms, width: width, bold: bold))
        }
    }

    /// The chunk's text on one line (whitespace collapsed), at most `width` characters, starting
    /// a little before the first matched word; matched words wrapped in ANSI bold when `bold`.
    static func snippet(_ text: String, terms: Set<String>, width: Int, bold: Bool) -> String {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        let first = words.firstIndex { matches($0, terms) } ?? 0
        // Start a few words before the first match, so it has some context on the left.
        let start = max(0, first - 3)
        var length = 0
        var picked: [String] = []
        for word in words[start...] {
            let added = (picked.isEmpty ? 0 : 1) + word.count
            if length + added > width - 2, !picked.isEmpty { break }
            picked.append(word)
            length += added
        }
        let end = start + picked.count
        let shown = picked.map { word -> String in
            guard bold, matches(word, terms) else { return word }
            return "\u{1B}[1m\(word)\u{1B}[0m"
        }.joined(separator: " ")
        return (start > 0 ? "…" : "") + shown + (end < words.count ? "…" : "")
    }

    static func matches(_ word: String, _ terms: Set<String>) -> Bool {
        KeywordTokenizer.terms(in: word).contains(where: terms.contains)
    }
}
