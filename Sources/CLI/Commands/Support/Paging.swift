import AISearchAPI

/// `--page`, `--per-page` and `--all` of the list commands, and the loop that follows pages.
struct Paging: Sendable {
    static let page = OptionSpec.value("--page", valueName: "n", help: "The page to show (from 1).")
    static let perPage = OptionSpec.value("--per-page", valueName: "n", help: "Entries per page (1 to 50).")
    static let all = OptionSpec.flag("--all", help: "Follow the pages and show every entry (from --page, if given).")
    static let options = [page, perPage, all]

    /// The most pages `--all` fetches, so a server ignoring `page` cannot keep it going forever.
    static let maximumPages = 10_000

    var page: Int?
    var perPage: Int?
    var followsPages: Bool

    init(_ arguments: ParsedArguments) throws {
        page = try arguments.int(Self.page.name, atLeast: 1)
        perPage = try arguments.int(Self.perPage.name, atLeast: 1, atMost: 50)
        followsPages = try arguments.flag(Self.all.name)
    }

    /// `20 of 2,477; --all for every page` on standard error, when one page is not the whole
    /// list (standard output keeps only the table, for scripts).
    static func printFooter(shown: Int, total: Int?, context: CommandContext) {
        guard let total, total > shown else { return }
        context.printError("\(grouped(shown)) of \(grouped(total)); --all for every page")
    }

    /// `2477` as `2,477`.
    static func grouped(_ number: Int) -> String {
        let digits = String(number.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return (number < 0 ? "-" : "") + result
    }

    /// The entries of one page, or with `--all` of every page from `page` on (50 a page unless
    /// `--per-page` says otherwise). Following stops after an empty page, a page shorter than the
    /// page size, a page that reaches `result_info.total_count`, or a page equal to the previous
    /// one (a server ignoring `page`).
    func entries<T: Hashable & Sendable>(
        _ fetch: (_ page: Int?, _ perPage: Int?) async throws -> Page<T>
    ) async throws -> [T] {
        guard followsPages else { return try await fetch(page, perPage).items }
        let size = perPage ?? 50
        let first = page ?? 1
        var number = first
        var entries: [T] = []
        var previous: [T]?
        for _ in 0..<Self.maximumPages {
            let current = try await fetch(number, size)
            if current.items.isEmpty || current.items == previous { break }
            entries += current.items
            let served = current.resultInfo?.perPage.flatMap { $0 > 0 ? $0 : nil } ?? size
            if current.items.count < served { break }
            if let total = current.totalCount, (first - 1) * size + entries.count >= total { break }
            previous = current.items
            number += 1
        }
        return entries
    }
}
