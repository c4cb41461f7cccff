import CLI
import Foundation

/// A one-call resolve for the configuration tests (the temporary folder is `TemporaryFolder`).
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
