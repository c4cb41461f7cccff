/// A plain-text table that fits the terminal: columns separated by two spaces, a header row,
/// and cells cut with `…` when the table would be wider than the width it is rendered to.
///
/// ```swift
/// var table = Table(columns: [.init("KEY"), .init("SIZE", alignment: .right)],
///                   emptyMessage: "No items.")
/// table.append(["docs/intro.md", "1.2 KB"])
/// context.printTable(table)
/// ```
/// renders as
/// ```
/// KEY            SIZE
/// docs/intro.md  1.2 KB
/// ```
///
/// When too wide, the widest shrinkable column of the lowest `shrinkRank` loses a column at a
/// time until the table fits or those columns are at their narrowest, then the next rank: ids
/// are shortened before keys, and keys keep their tail. Rendered without a width (output piped
/// to another program) nothing is cut. Newlines and tabs in cells become spaces. Lines carry no
/// trailing spaces.
public struct Table: Sendable, Equatable {
    public enum Alignment: Sendable, Equatable { case left, right }

    public struct Column: Sendable, Equatable {
        public var title: String
        public var alignment: Alignment
        /// Whether this column may be cut to fit; keep IDs whole by setting this to `false`.
        public var isTruncatable: Bool
        /// Cut from the front (`…/guide/intro.md`) rather than the end: for keys and paths,
        /// whose tail tells them apart.
        public var keepsTail: Bool
        /// Columns of a lower rank are cut first, each down to `minimumWidth` (or the table's
        /// minimum), before a higher rank loses anything: a UUID (`0b6c1f2e…`) before a key.
        public var shrinkRank: Int
        /// The narrowest this column is cut to, when it is at least the table's minimum.
        public var minimumWidth: Int?

        public init(_ title: String, alignment: Alignment = .left, isTruncatable: Bool = true,
                    keepsTail: Bool = false, shrinkRank: Int = 1, minimumWidth: Int? = nil) {
            self.title = title
            self.alignment = alignment
            self.isTruncatable = isTruncatable
            self.keepsTail = keepsTail
            self.shrinkRank = shrinkRank
            self.minimumWidth = minimumWidth
        }

        /// A key or path: cut from the front.
        public static func key(_ title: String = "KEY") -> Column { Column(title, keepsTail: true) }

        /// A UUID: shortened to its first 8 characters and `…` before any other column is cut.
        public static func identifier(_ title: String = "ID") -> Column { Column(title, shrinkRank: 0, minimumWidth: 9) }

        var narrowest: Int { max(Table.minimumWidth, minimumWidth ?? 0) }
    }

    /// No column is cut narrower than this many columns (counting the `…`).
    public static let minimumWidth = 4

    public var columns: [Column]
    public private(set) var rows: [[String]]
    /// Printed instead of the table when there are no rows, e.g. "No jobs yet.".
    public var emptyMessage: String

    public init(columns: [Column], rows: [[String]] = [], emptyMessage: String = "Nothing to show.") {
        self.columns = columns
        self.rows = []
        self.emptyMessage = emptyMessage
        for row in rows { append(row) }
    }

    /// Adds a row; it must have exactly one cell per column.
    public mutating func append(_ row: [String]) {
        precondition(row.count == columns.count, "Table row has \(row.count) cells for \(columns.count) columns")
        rows.append(row.map { cell in
            String(cell.map { $0 == "\n" || $0 == "\t" || $0 == "\r\n" || $0 == "\r" ? " " : $0 })
        })
    }

    /// The table as lines ending in `\n`, fitted to `width` columns when given.
    public func render(width: Int? = nil) -> String {
        guard !rows.isEmpty else { return emptyMessage + "\n" }
        let widths = columnWidths(fitting: width)
        let lines = ([columns.map(\.title)] + rows).map { cells in
            zip(cells, zip(columns, widths)).map { cell, layout in
                TextLayout.pad(layout.0.keepsTail ? TextLayout.truncateHead(cell, to: layout.1) : TextLayout.truncate(cell, to: layout.1),
                               to: layout.1, alignRight: layout.0.alignment == .right)
            }
            .joined(separator: "  ")
        }
        return lines.map { String($0.reversed().drop { $0 == " " }.reversed()) + "\n" }.joined()
    }

    private func columnWidths(fitting width: Int?) -> [Int] {
        var widths = columns.indices.map { index in
            ([columns[index].title] + rows.map { $0[index] }).map { TextLayout.width(of: $0) }.max() ?? 0
        }
        guard let width else { return widths }
        var excess = widths.reduce(0, +) + 2 * (columns.count - 1) - width
        for rank in Set(columns.map(\.shrinkRank)).sorted() where excess > 0 {
            while excess > 0 {
                let shrinkable = widths.indices.filter {
                    columns[$0].isTruncatable && columns[$0].shrinkRank == rank && widths[$0] > columns[$0].narrowest
                }
                guard let widest = shrinkable.max(by: { widths[$0] < widths[$1] }) else { break }
                widths[widest] -= 1
                excess -= 1
            }
        }
        return widths
    }
}
