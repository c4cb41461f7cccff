import LinuxSystem
import Testing
@testable import SyncCore

@Suite struct StateLocationTests {
    @Test func xdgStateHomeWins() throws {
        let location = try StateLocation.resolve(environment: ["XDG_STATE_HOME": "/xdg", "HOME": "/home/u"],
                                                 account: "acc", namespace: "default", instance: "docs")
        #expect(location.directory == "/xdg/aisearch-sync/acc/default/docs")
        #expect(location.stateFile == "/xdg/aisearch-sync/acc/default/docs/state.snapshot")
    }

    @Test(arguments: [["HOME": "/home/u"], ["HOME": "/home/u", "XDG_STATE_HOME": ""], ["HOME": "/home/u", "XDG_STATE_HOME": "rel/dir"]])
    func homeLocalStateWhenXDGIsUnsetOrInvalid(_ environment: [String: String]) throws {
        let location = try StateLocation.resolve(environment: environment, account: "acc", namespace: "ns", instance: "i")
        #expect(location.directory == "/home/u/.local/state/aisearch-sync/acc/ns/i")
    }

    @Test func explicitDirectoryOverridesTheEnvironment() throws {
        let location = try StateLocation.resolve(environment: [:], account: "acc", namespace: "ns", instance: "i", override: "/srv/state")
        #expect(location.directory == "/srv/state")
    }

    @Test func noHomeIsAnError() {
        #expect(throws: StateLocationError.noHome) {
            try StateLocation.resolve(environment: ["XDG_STATE_HOME": "relative"], account: "a", namespace: "n", instance: "i")
        }
    }

    @Test(arguments: ["", ".", "..", "a/b"])
    func unsafeNamesAreRefused(_ name: String) {
        #expect(throws: StateLocationError.unsafeComponent(name: "namespace", value: name)) {
            try StateLocation.resolve(environment: ["HOME": "/h"], account: "a", namespace: name, instance: "i")
        }
    }
}
