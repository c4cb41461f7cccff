import Testing
@testable import CLI

@Suite struct ProgressBarTests {
    @Test(arguments: [(0, 4, 0), (1, 4, 5), (2, 4, 10), (4, 4, 20), (0, 0, 20), (7, 3, 20)])
    func barFillsInProportion(done: Int, total: Int, filled: Int) {
        let bar = ProgressBar.render(done: done, total: total)
        #expect(bar.count == 22)
        #expect(bar.filter { $0 == "#" }.count == filled)
        #expect(bar.first == "[" && bar.last == "]")
    }
}
