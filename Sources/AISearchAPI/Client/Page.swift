/// One page of a list answer: the items and the `result_info` that came with them.
public struct Page<Element: Sendable>: Sendable {
    public var items: [Element]
    public var resultInfo: ResultInfo?

    public init(items: [Element], resultInfo: ResultInfo? = nil) {
        self.items = items
        self.resultInfo = resultInfo
    }

    /// `result_info.total_count`, when the server gave it.
    public var totalCount: Int? { resultInfo?.totalCount }
    /// `result_info.cursor` of cursor-paged listings (item logs).
    public var nextCursor: String? { resultInfo?.cursor }
}

extension Page: Equatable where Element: Equatable {}
extension Page: Hashable where Element: Hashable {}
