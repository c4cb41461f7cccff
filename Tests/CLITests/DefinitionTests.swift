import CLI
import Testing

/// `definitionProblems()` catches mistakes in the tree before anyone types a command.
@Suite struct DefinitionTests {
    @Test func demoTreeIsSound() {
        #expect(Demo.root.definitionProblems() == [])
    }

    @Test func problemsAreFoundAtEveryLevel() {
        let noop: CommandSpec.Run = { _ in }
        let tree = CommandSpec("tool", abstract: "", options: [.flag("--verbose", short: "v", help: "", isGlobal: true)], subcommands: [
            CommandSpec("group", abstract: "", subcommands: [
                CommandSpec("leaf", abstract: "", arguments: [
                    .optional("a", help: ""), .required("b", help: ""), .variadic("c", help: ""), .required("d", help: ""),
                ], options: [
                    .flag("--verbose", help: ""),
                    .value("-x", help: ""),
                    .flag("--quiet", short: "v", help: ""),
                    .value("--mode", help: "", defaultValue: "slow", allowedValues: ["fast"]),
                ], run: noop),
                CommandSpec("leaf", abstract: "", run: noop),
            ]),
            CommandSpec("empty", abstract: ""),
            CommandSpec("help", abstract: "", run: noop),
            CommandSpec("mixed", abstract: "", arguments: [.required("x", help: "")], subcommands: [
                CommandSpec("y", abstract: "", run: noop),
            ]),
        ])
        // Parent first, then each subcommand in declaration order.
        #expect(tree.definitionProblems() == [
            "'tool': subcommand 'help' is declared twice or is reserved",
            "'tool group': subcommand 'leaf' is declared twice or is reserved",
            "'tool group leaf': option '--verbose' is declared twice or is reserved",
            "'tool group leaf': option '-x' must be '--' followed by a name",
            "'tool group leaf': short option '-v' is declared twice or is reserved",
            "'tool group leaf': default 'slow' of '--mode' is not among its allowed values",
            "'tool group leaf': required <b> comes after an optional argument",
            "'tool group leaf': <d> comes after a variadic argument",
            "'tool empty': has neither subcommands nor a run closure",
            "'tool mixed': has both subcommands and positional arguments",
        ])
    }
}
