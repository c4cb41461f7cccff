import Testing

/// What people and scripts see: tables and detail lists by default, the API's result with --json.
@Suite struct OutputGoldenTests {
    @Test func instancesListIsATable() async {
        let run = await runAPI("instances list", responses: [.ok("[\(Fixture.instance),\(Fixture.instance2)]")])
        #expect(run.status == 0)
        #expect(run.output == """
            ID     STATUS  TYPE     SOURCE       MODIFIED
            docs   active  r2       docs-bucket  2025-06-02 11:30
            notes  -       builtin  -            2025-06-03 08:00

            """)
        #expect(run.error.isEmpty)
    }

    @Test func instancesListJSONIsTheResultArray() async {
        let run = await runAPI("instances list --json", responses: [.ok("[\(Fixture.instance2)]")])
        #expect(run.output == """
            [
              {
                "created_at" : "2025-06-03T08:00:00Z",
                "id" : "notes",
                "modified_at" : "2025-06-03T08:00:00Z"
              }
            ]

            """)
    }

    @Test func instanceGetIsADetailList() async {
        let run = await runAPI("instances get docs", responses: [.ok(Fixture.instance)])
        #expect(run.output == """
            id          docs
            namespace   default
            status      active
            type        r2
            source      docs-bucket
            paused      no
            chunk size  512
            created     2025-06-01 10:00:00
            modified    2025-06-02 11:30:00

            """)
    }

    @Test func statsIsAKeyValueTable() async {
        let run = await runAPI("instances stats docs", responses: [.ok(Fixture.stats)])
        #expect(run.output == """
            STAT           VALUE
            queued         1
            running        0
            completed      40
            error          2
            skipped        0
            outdated       0
            last activity  2025-06-02 12:00:00

            """)
    }

    @Test func itemsListIsATable() async {
        let run = await runAPI("items list -i docs", responses: [.ok("[\(Fixture.item),\(Fixture.item2)]")])
        #expect(run.output == """
            KEY             STATUS        SIZE  CHECKSUM  ID                                    LAST SEEN
            guide/intro.md  completed  1.5 KiB  9f86d081  0b6c9a2e-1111-4c1e-9d3e-7f2a5b8c0d01  2025-06-02 09:15
            notes.txt       queued       200 B  -         7d1e2f3a-2222-4b5c-8d9e-0a1b2c3d4e5f  2025-06-01 10:00

            """)
    }

    @Test func itemsListJSONIsTheResultArray() async {
        let run = await runAPI("items list -i docs --json", responses: [.ok("[\(Fixture.item)]")])
        #expect(run.output == """
            [
              {
                "checksum" : "9f86d081884c7d659a2feaa0c55ad015",
                "chunks_count" : 3,
                "created_at" : "2025-06-01T10:00:00Z",
                "file_size" : 1536,
                "id" : "0b6c9a2e-1111-4c1e-9d3e-7f2a5b8c0d01",
                "key" : "guide/intro.md",
                "last_seen_at" : "2025-06-02T09:15:00Z",
                "namespace" : "default",
                "next_action" : null,
                "source_id" : "builtin",
                "status" : "completed"
              }
            ]

            """)
    }

    @Test func itemGetIsADetailList() async {
        let run = await runAPI("items get -i docs 0b6c9a2e-1111-4c1e-9d3e-7f2a5b8c0d01", responses: [.ok(Fixture.item)])
        #expect(run.output == """
            id         0b6c9a2e-1111-4c1e-9d3e-7f2a5b8c0d01
            key        guide/intro.md
            status     completed
            size       1.5 KiB (1536 bytes)
            checksum   9f86d081884c7d659a2feaa0c55ad015
            chunks     3
            source     builtin
            created    2025-06-01 10:00:00
            last seen  2025-06-02 09:15:00

            """)
    }

    @Test(arguments: [
        ("items list -i docs", "No items in instance docs.\n"),
        ("instances list", "No instances in namespace default.\n"),
        ("instances list --legacy-paths", "No instances.\n"),
        ("jobs list docs", "No jobs for instance docs.\n"),
        ("namespaces list", "No namespaces.\n"),
        ("items logs -i docs 5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d", "No logs for item 5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d.\n"),
        ("items chunks -i docs 5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d", "No chunks for item 5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d.\n"),
        ("jobs logs docs job-1", "No logs for job job-1.\n"),
    ])
    func emptyListsSaySo(command: String, message: String) async {
        let run = await runAPI(command, responses: [.ok("[]")])
        #expect(run.status == 0)
        #expect(run.output == message)
    }

    @Test func emptyListJSONIsAnEmptyArray() async {
        let run = await runAPI("items list -i docs --json", responses: [.ok("[]")])
        #expect(run.output == "[\n\n]\n")
    }

    @Test func jobsListShowsRunningJobs() async {
        let run = await runAPI("jobs list docs", responses: [.ok("[\(Fixture.job),\(Fixture.runningJob)]")])
        #expect(run.output == """
            ID     SOURCE    STARTED           ENDED             END REASON  DESCRIPTION
            job-1  user      2025-06-02 12:00  2025-06-02 12:05  completed   after the release
            job-2  schedule  2025-06-02 18:00  running

            """)
    }

    @Test func jobGetJSONIsTheJob() async {
        let run = await runAPI("jobs get docs job-2 --json", responses: [.ok(Fixture.runningJob)])
        #expect(run.output == """
            {
              "id" : "job-2",
              "source" : "schedule",
              "started_at" : "2025-06-02T18:00:00Z"
            }

            """)
    }

    @Test func namespacesListIsATable() async {
        let run = await runAPI("namespaces list", responses: [.ok("[\(Fixture.namespace)]")])
        #expect(run.output == """
            NAME      DESCRIPTION  CREATED
            research  Papers       2025-05-01 00:00

            """)
    }

    @Test func logsChunksAndJobLogsAreTables() async {
        let logs = await runAPI("items logs -i docs 5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d", responses: [.ok("[\(Fixture.itemLog)]", resultInfo: #"{"cursor":"c2"}"#)])
        #expect(logs.output == """
            TIME                 ACTION  CHUNKS   MS  ERROR  MESSAGE
            2025-06-02 09:15:00  index        3  120         ok

            """)
        #expect(logs.error == "More logs: pass --cursor c2\n")
        let chunks = await runAPI("items chunks -i docs 5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d", responses: [.ok("[\(Fixture.chunk)]")])
        #expect(chunks.output == "ID  BYTES  TEXT\nc1  0-11   Hello world\n")
        let jobLogs = await runAPI("jobs logs docs job-1", responses: [.ok("[\(Fixture.jobLog)]")])
        #expect(jobLogs.output == "TIME                 TYPE  MESSAGE\n2025-06-02 12:00:00     1  Started\n")
    }

    @Test func deletesSayWhatWasDeleted() async {
        let item = await runAPI("items delete -i docs 5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d -y", responses: [.ok(#"{"key":"guide/intro.md"}"#)])
        #expect(item.output == "Deleted item guide/intro.md (5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d) from instance docs.\n")
        let itemJSON = await runAPI("items delete -i docs 5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d -y --json", responses: [.ok(#"{"key":"guide/intro.md"}"#)])
        #expect(itemJSON.output == "{\n  \"key\" : \"guide/intro.md\"\n}\n")
        let instance = await runAPI("instances delete docs -y", responses: [.ok(Fixture.instance)])
        #expect(instance.output == "Deleted instance docs.\n")
        let job = await runAPI("jobs cancel docs job-1 -y", responses: [.ok(Fixture.job)])
        #expect(job.output == "Cancelled job job-1 of instance docs.\n")
        let namespace = await runAPI("namespaces delete research -y")
        #expect(namespace.output == "Deleted namespace research.\n")
    }

    @Test func downloadWritesTheBytes() async throws {
        let toStdout = await runAPI("items download -i docs 5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d", responses: [.bytes(Array("# Intro\n".utf8))])
        #expect(toStdout.status == 0)
        #expect(toStdout.output == "# Intro\n")

        let folder = try TemporaryFolder()
        let target = folder.path + "/out.bin"
        let bytes: [UInt8] = [0, 0xFF, 0xFE, 10, 13]
        let toFile = await runAPI(["items", "download", "-i", "docs", "5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d", "-o", target], responses: [.bytes(bytes)])
        #expect(toFile.status == 0, "\(toFile.error)")
        #expect(toFile.output.isEmpty)
        #expect(toFile.error == "Wrote 5 B to \(target).\n")
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: target))) == bytes)
    }
}

import Foundation
