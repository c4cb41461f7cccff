import Foundation

/// The question a destructive command (`delete`, `cancel`) asks before acting.
///
/// - With `-y`/`--force`: no question.
/// - Standard input is a terminal: `Delete item X from instance Y? [y/N] ` on standard error;
///   `y` or `yes` goes ahead, anything else (or end of input) stops with exit 1 and nothing done.
/// - Otherwise (a script, a pipe): refused with a usage error (exit 2) telling to pass `-y`, so an
///   unattended run never deletes by accident and never hangs waiting for an answer.
struct Confirmation {
    /// `-y, --force`, declared by every destructive command.
    static let force = OptionSpec.flag("--force", short: "y", help: "Do not ask for confirmation.")

    /// The question without `[y/N]`, e.g. `Delete item abc from instance docs?`.
    var question: String
    /// What would be done, for the refusal, e.g. `delete item abc from instance docs`.
    var action: String

    func ask(_ context: CommandContext, dependencies: CommandDependencies) throws {
        if try context.arguments.flag(Self.force.name) { return }
        guard dependencies.isInputInteractive() else {
            throw UsageError("not confirmed: standard input is not a terminal; pass -y (--force) to \(action)")
        }
        context.terminal.write("\(question) [y/N] ", to: .standardError)
        let answer = dependencies.readAnswer()?.trimmingCharacters(in: .whitespaces).lowercased()
        guard answer == "y" || answer == "yes" else {
            if answer == nil { context.printError("") }
            context.printError("Nothing done.")
            throw ExitCode.failure
        }
    }
}
