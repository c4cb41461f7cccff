import Foundation
import Testing
@testable import AISearchAPI

@Suite struct RedactionTests {
    static let key = "global-key-9f8e7d6c5b4a"

    @Test(arguments: [ClientConfiguration.Credentials.apiToken(Fixtures.token),
                      .emailAndKey(email: "ops@example.com", key: key)])
    func configurationNeverPrintsTheSecret(_ credentials: ClientConfiguration.Credentials) {
        let configuration = Fixtures.configuration(credentials: credentials)
        var dumped = ""
        dump(configuration, to: &dumped)
        var dumpedCredentials = ""
        dump(credentials, to: &dumpedCredentials)
        for text in [configuration.description, configuration.debugDescription, "\(configuration)",
                     String(reflecting: configuration), dumped, dumpedCredentials, "\(credentials)",
                     String(reflecting: credentials)] {
            #expect(!text.contains(Fixtures.token))
            #expect(!text.contains(Self.key))
        }
        #expect(configuration.description.contains(Fixtures.account))
    }

    @Test func noErrorDescriptionHoldsTheToken() async throws {
        let answers: [Result<TransportResponse, TransportError>] = [
            .success(.failure(401, message: "Invalid token")),
            .success(TransportResponse(status: 502, body: Array("<html/>".utf8))),
            .failure(TransportError(code: .cannotConnect)),
            .success(.ok(#"{"id":1}"#)),
        ]
        for answer in answers {
            let client = Fixtures.client(FakeTransport([answer]), retry: .none)
            do {
                _ = try await client.getInstance("docs")
                Issue.record("expected an error")
            } catch {
                #expect(!"\(error)".contains(Fixtures.token))
                #expect(!String(reflecting: error).contains(Fixtures.token))
                #expect(!"\(error)".isEmpty)
            }
        }
    }
}
