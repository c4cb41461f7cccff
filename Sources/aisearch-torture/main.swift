import Foundation
import Torture

// Parse, run, print the summary; exit 0 only for a passing run (see TortureReport.passed).
let beside = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("aisearch-sync").path
do {
    let options = try TortureOptions.parse(Array(CommandLine.arguments.dropFirst()), defaultAgentPath: beside)
    let report = try await TortureRun(options: options, log: { print($0) }).run()
    print(report.summary)
    exit(report.passed ? 0 : 1)
} catch let error as TortureUsageError {
    if let message = error.message { FileHandle.standardError.write(Data("aisearch-torture: \(message)\n\n".utf8)) }
    print(TortureOptions.usage)
    exit(error.message == nil ? 0 : 2)
} catch {
    FileHandle.standardError.write(Data("aisearch-torture: \(error)\n".utf8))
    exit(3)
}
