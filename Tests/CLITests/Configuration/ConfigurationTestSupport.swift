import CLI
import Foundation

/// Helpers shared by the configuration tests: a temporary folder for real files, and a
/// one-call resolve.
struct TemporaryFolder: ~Copyable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "aisearch-config-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `contents` to `name` in the folder and returns its path.
    @discardableResult
    func write(_ name: String, _ contents: String) throws -> String {
        let file = path + "/" + name
        try contents.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}

enum Config {
    static let token = "cf-test-token-0123456789abcdefghijklmn"

    static func resolve(flags: [String: String] = [:], root: String? = nil, env: [String: String] = [:],
                        file json: String? = nil, path: String = "config.json",
                        readFile: (String) throws -> String = { try ConfigurationFiles.readText($0) }) throws -> EffectiveConfiguration {
        let file = try json.map { try ConfigFile.parse($0, path: path) }
        return try EffectiveConfiguration.resolve(flags: CommandLineSettings(options: flags, root: root),
                                                  environment: env, file: file, readFile: readFile)
    }

    /// The message of the `ConfigurationError` thrown by `body`, or `nil`.
    static func error(_ body: () throws -> Any) -> String? {
        do {
            _ = try body()
            return nil
        } catch let error as ConfigurationError {
            return error.message
        } catch {
            return "unexpected \(type(of: error)): \(error)"
        }
    }
}
