import CLI
import Foundation

let environment = ProcessInfo.processInfo.environment
exit(await runCLI(arguments: Array(CommandLine.arguments.dropFirst()), commands: .aisearchSync,
                  terminal: SystemTerminal(environment: environment), environment: environment, cancelsOnInterrupt: true))
