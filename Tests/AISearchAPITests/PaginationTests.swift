import Foundation
import Testing
@testable import AISearchAPI

/// A server holding `total` items, paging them as AI Search does.
func pagingTransport(total: Int, reportsTotal: Bool = true, serverPageLimit: Int = 50) -> FakeTransport {
    FakeTransport { request, _ in
        let query = Dictionary(uniqueKeysWithValues: request.queryString.split(separator: "&").map {
            let parts = $0.split(separator: "=", maxSplits: 1)
            return (String(parts[0]), String(parts[1]))
        })
        let page = Int(query["page"] ?? "1")!
        let perPage = min(Int(query["per_page"] ?? "20")!, serverPageLimit)
        let start = (page - 1) * perPage
        let ids = start < total ? Array(start..<min(start + perPage, total)) : []
        let items = ids.map { Fixtures.item(id: "id-\($0)", key: "k\($0).md") }.joined(separator: ",")
        let info = reportsTotal
            ? #"{"count":\#(ids.count),"page":\#(page),"per_page":\#(perPage),"total_count":\#(total)}"#
            : #"{"count":\#(ids.count),"page":\#(page),"per_page":\#(perPage)}"#
        return .ok("[\(items)]", resultInfo: info)
    }
}

@Suite struct PaginationTests {
    /// (items on the server, pages the client must fetch)
    @Test(arguments: [(0, 1), (50, 1), (51, 2), (120, 3)])
    func listAllItemsFetchesEveryPageOnce(total: Int, expectedRequests: Int) async throws {
        let transport = pagingTransport(total: total)
        let items = try await Fixtures.client(transport).listAllItems(in: "docs", query: ItemListQuery(status: .completed))
        #expect(items.map(\.id) == (0..<total).map { "id-\($0)" })
        #expect(transport.requests.count == expectedRequests)
        #expect(transport.requests.map(\.queryString).first == "page=1&per_page=50&status=completed")
    }

    /// Without `total_count`, a full last page costs one more (empty) request, and is kept.
    @Test(arguments: [(0, 1), (50, 2), (51, 2), (120, 3)])
    func listAllItemsWithoutTotalCountStopsOnShortOrEmptyPage(total: Int, expectedRequests: Int) async throws {
        let transport = pagingTransport(total: total, reportsTotal: false)
        let items = try await Fixtures.client(transport).listAllItems(in: "docs")
        #expect(items.count == total)
        #expect(transport.requests.count == expectedRequests)
    }

    /// A server that serves fewer than asked per page must not make the client stop early.
    @Test func serverPageSizeSmallerThanAskedStillReadsEverything() async throws {
        let transport = pagingTransport(total: 45, reportsTotal: false, serverPageLimit: 20)
        let items = try await Fixtures.client(transport).listAllItems(in: "docs")
        #expect(items.count == 45)
        #expect(transport.requests.count == 3)
    }

    @Test func serverIgnoringPageParameterDoesNotLoopForever() async throws {
        let page = (0..<50).map { Fixtures.item(id: "id-\($0)", key: "k\($0).md") }.joined(separator: ",")
        let transport = FakeTransport(responses: [.ok("[\(page)]")])
        let items = try await Fixtures.client(transport).listAllItems(in: "docs")
        #expect(items.count == 50)
        #expect(transport.requests.count == 2)
    }

    @Test func pagesAreYieldedOneRequestAtATime() async throws {
        let transport = pagingTransport(total: 120)
        var sizes: [Int] = []
        for try await page in Fixtures.client(transport).itemPages(in: "docs", query: ItemListQuery(perPage: 40)) {
            sizes.append(page.items.count)
            #expect(transport.requests.count == sizes.count)
        }
        #expect(sizes == [40, 40, 40])
    }

    @Test func itemSeenOnTwoPagesIsListedOnceWithItsLaterState() async throws {
        let transport = FakeTransport { request, _ in
            request.queryString.hasPrefix("page=1")
                ? .ok("[\(Fixtures.item(id: "a", key: "a.md", status: "queued")),\(Fixtures.item(id: "b", key: "b.md"))]",
                      resultInfo: #"{"per_page":2}"#)
                : .ok("[\(Fixtures.item(id: "a", key: "a.md", status: "completed"))]", resultInfo: #"{"per_page":2}"#)
        }
        let items = try await Fixtures.client(transport).listAllItems(in: "docs")
        #expect(items.map(\.id) == ["a", "b"])
        #expect(items.first?.status == .completed)
    }
}
