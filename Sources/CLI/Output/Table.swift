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
/// When too wide, the widest shrinkable column loses a column at a time until the table fits
/// or every shrinkable column is down to `minimumWidth`. Newlines and tabs in cells become
/// spaces. Lines carry no trailing spaces.
public struct Table: Sendable, Equatable {
    public enum Alignment: Sendable, Equatable { case left, right }

    public struct Column: Sendable, Equatable {
        public var title: String
        public var alignment: Alignment
        /// Whether this column may be cut to fit; keep IDs whole by setting this to `false`.
        public var isTruncatable: Bool

        public init(_ title: String, alignment: Alignment = .left, isTruncatable: Bool = true) {
            self.title = title
            self.alignment = alignment
            self.isTruncatable = isTruncatable
        }
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
                TextLayout.pad(TextLayout.truncate(cell, to: layout.1), to: layout.1,
                               alignRight: layout.0.alignment == .right)
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
        while excess > 0 {
            let shrinkable = widths.indices.filter { columns[$0].isTruncatable && widths[$0] > Self.minimumWidth }
            guard let widest = shrinkable.max(by: { widths[$0] < widths[$1] }) else { break }
            widths[widest] -= 1
            excess -= 1
        }
        return widths
    }
}
