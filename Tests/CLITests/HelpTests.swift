import CLI
import Testing

/// Golden help screens for the demo tree (three levels), at 80 columns and narrower.
@Suite struct HelpTests {
    static let rootHelp = """
        OVERVIEW: Keep a Cloudflare AI Search instance in step with a folder.

        Reads the API token from CLOUDFLARE_API_TOKEN. Every command accepts --help.

        USAGE: aisearch-sync <subcommand>

        OPTIONS:
          -v, --verbose ...    Print more detail; repeat for even more.
              --config <path>  The configuration file. (env: AISEARCH_CONFIG)
          -h, --help           Show help information.
              --version        Show the version.

        SUBCOMMANDS:
          jobs                 List and inspect indexing jobs.
          items                Upload, list and delete the instance's items.
          status               Show what a sync would change.
          fail                 Fail on purpose.
          help                 Show help for a command.

          See 'aisearch-sync help <subcommand>' for detailed help.
        """ + "\n"

    static let jobsHelp = """
        OVERVIEW: List and inspect indexing jobs.

        Jobs are created by the service when an instance re-indexes its data source.
        They run one at a time per instance.

        Examples:
          aisearch-sync jobs list -i docs
          aisearch-sync jobs get -i docs 42

        USAGE: aisearch-sync jobs <subcommand>

        OPTIONS:
          -i, --instance <name>  The AI Search instance to act on. (env:
                                 AISEARCH_INSTANCE) (required)
          -h, --help             Show help information.

        GLOBAL OPTIONS:
          -v, --verbose ...      Print more detail; repeat for even more.
              --config <path>    The configuration file. (env: AISEARCH_CONFIG)

        SUBCOMMANDS:
          list                   List the instance's jobs, newest first.
          get                    Show one job.

          See 'aisearch-sync help jobs <subcommand>' for detailed help.
        """ + "\n"

    static let jobsListHelp = """
        OVERVIEW: List the instance's jobs, newest first.

        USAGE: aisearch-sync jobs list --instance <name> [<options>]

        OPTIONS:
          -i, --instance <name>  The AI Search instance to act on. (env:
                                 AISEARCH_INSTANCE) (required)
          -p, --page <n>         The page to show. (default: 1)
              --status <state>   Only jobs in this state. (values: running, done,
                                 failed)
          -t, --tag <tag> ...    Only jobs with this tag.
              --json             Print JSON instead of a table.
          -h, --help             Show help information.

        GLOBAL OPTIONS:
          -v, --verbose ...      Print more detail; repeat for even more.
              --config <path>    The configuration file. (env: AISEARCH_CONFIG)
        """ + "\n"

    static let itemsUploadHelp = """
        OVERVIEW: Upload files as items.

        USAGE: aisearch-sync items upload [<options>] <instance> <paths> ...

        ARGUMENTS:
          <instance>             The instance to upload to.
          <paths> ...            The files to upload.

        OPTIONS:
          -n, --dry-run          Show what would be uploaded.
          -y, --yes              Do not ask for confirmation. (env: AISEARCH_YES)
          -c, --concurrency <n>  Uploads at a time. (default: 4)
              --offset <n>       A signed number.
          -h, --help             Show help information.

        GLOBAL OPTIONS:
          -v, --verbose ...      Print more detail; repeat for even more.
              --config <path>    The configuration file. (env: AISEARCH_CONFIG)
        """ + "\n"

    static let jobsListHelpAt50Columns = """
        OVERVIEW: List the instance's jobs, newest first.

        USAGE: aisearch-sync jobs list --instance <name>
                 [<options>]

        OPTIONS:
          -i, --instance <name>  The AI Search instance to
                                 act on. (env:
                                 AISEARCH_INSTANCE)
                                 (required)
          -p, --page <n>         The page to show.
                                 (default: 1)
              --status <state>   Only jobs in this state.
                                 (values: running, done,
                                 failed)
          -t, --tag <tag> ...    Only jobs with this tag.
              --json             Print JSON instead of a
                                 table.
          -h, --help             Show help information.

        GLOBAL OPTIONS:
          -v, --verbose ...      Print more detail; repeat
                                 for even more.
              --config <path>    The configuration file.
                                 (env: AISEARCH_CONFIG)
        """ + "\n"

    @Test func rootHelp() async {
        let result = await run("--help")
        #expect(result.status == 0)
        #expect(result.error == "")
        #expect(result.output == Self.rootHelp)
    }

    @Test func groupHelp() async {
        #expect(await run("jobs", "-h").output == Self.jobsHelp)
    }

    @Test func leafHelp() async {
        #expect(await run("jobs", "list", "--help").output == Self.jobsListHelp)
        #expect(await run("items", "upload", "--help").output == Self.itemsUploadHelp)
    }

    @Test(arguments: [
        ["help", "jobs", "list"],
        ["jobs", "help", "list"],
        ["jobs", "list", "-h"],
        ["-h", "jobs", "list"],
        ["jobs", "--help", "list"],
        ["jobs", "-i", "list", "--help", "list"],
        ["jobs", "list", "-i", "docs", "--page", "abc", "--help"],
        ["jobs", "list", "--instnace", "--help"],
        ["jobs", "list", "surplus", "-h"],
        ["-v", "--config", "c", "jobs", "list", "-h"],
    ])
    func helpAnywhereShowsTheDeepestCommandNamed(arguments: [String]) async {
        let result = await run(arguments)
        #expect(result.status == 0)
        #expect(result.output == Self.jobsListHelp)
    }

    @Test func helpWithoutACommandIsTheRootHelp() async {
        #expect(await run("help").output == Self.rootHelp)
    }

    @Test func helpForAnUnknownCommandSuggests() async {
        let result = await run("help", "jobs", "lsit")
        #expect(result.status == 2)
        #expect(result.error == "aisearch-sync: error: unknown command 'lsit' for 'aisearch-sync jobs'; did you mean 'list'?\n"
            + "Run 'aisearch-sync jobs --help' for usage.\n")
    }

    @Test func helpFollowsTheTerminalWidth() async {
        #expect(await run("jobs", "list", "-h", width: 50).output == Self.jobsListHelpAt50Columns)
    }

    @Test(arguments: [40, 50, 60, 80, 100, 200])
    func helpLinesFitTheWidth(width: Int) async {
        for arguments in [["-h"], ["jobs", "-h"], ["jobs", "list", "-h"], ["items", "upload", "-h"]] {
            let output = await run(arguments, width: width).output
            for line in output.split(separator: "\n") {
                #expect(line.count <= width, "\(arguments) at \(width): \(line)")
                #expect(line.last != " ")
            }
        }
    }

    @Test func longLabelPutsItsDescriptionOnTheNextLine() {
        let tree = CommandSpec("tool", abstract: "A tool.", options: [
            .value("--a-very-long-option-name", short: "a", valueName: "placeholder", help: "Described below."),
            .flag("--short", help: "Described alongside."),
        ]) { _ in }
        #expect(HelpFormatter(path: [tree], width: 80).render() == """
            OVERVIEW: A tool.

            USAGE: tool [<options>]

            OPTIONS:
              -a, --a-very-long-option-name <placeholder>
                                          Described below.
                  --short                 Described alongside.
              -h, --help                  Show help information.

            """)
    }
}
