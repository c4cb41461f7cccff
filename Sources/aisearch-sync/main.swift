import CLI
import Foundation
import LinuxSystem

// Before any task starts: global jobs run on our pool, not Dispatch's (see `JobPool`).
JobPool.installAsGlobalExecutor()
let environment = ProcessInfo.processInfo.environment
exit(await runCLI(arguments: Array(CommandLine.arguments.dropFirst()), commands: .aisearchSync,
                  terminal: SystemTerminal(environment: environment), environment: environment, cancelsOnInterrupt: true))
