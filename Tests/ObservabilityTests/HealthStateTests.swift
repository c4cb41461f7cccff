import Observability
import Testing

/// Liveness and readiness as the agent's components report in.
@Suite struct HealthStateTests {
    @Test func aStartedReconciledRootIsHealthyAndReady() {
        let health = HealthState()
        health.register("docs")
        health.setWatcherAlive(true, root: "docs")
        health.markInitialReconcileDone(root: "docs")
        #expect(health.healthz() == HealthStatus(ok: true, reasons: []))
        #expect(health.readyz(backlogThreshold: 100) == HealthStatus(ok: true, reasons: []))
    }

    @Test func nothingRegisteredIsAliveButNotReady() {
        let health = HealthState()
        #expect(health.healthz().ok)
        #expect(health.readyz(backlogThreshold: 0) == HealthStatus(ok: false, reasons: ["no root has been started yet"]))
    }

    @Test func registeredButNotStartedIsReported() {
        let health = HealthState()
        health.register("docs")
        #expect(health.healthz() == HealthStatus(ok: false, reasons: ["docs: watcher is not running"]))
        #expect(health.readyz(backlogThreshold: 10).reasons == [
            "docs: watcher is not running", "docs: initial reconcile has not finished",
        ])
    }

    @Test func overflowFailsLivenessUntilRecovered() {
        let health = HealthState()
        health.setWatcherAlive(true, root: "docs")
        health.setUnrecoveredOverflow(true, root: "docs")
        #expect(health.healthz().reasons == ["docs: inotify queue overflowed and the rescan has not finished"])
        health.setUnrecoveredOverflow(false, root: "docs")
        #expect(health.healthz().ok)
    }

    @Test func repeatedAuthFailuresFailLivenessAndASuccessResets() {
        let health = HealthState(authErrorLimit: 3)
        health.setWatcherAlive(true, root: "docs")
        health.recordAuthFailure()
        health.recordAuthFailure()
        #expect(health.healthz().ok)
        health.recordAuthFailure()
        #expect(health.healthz() == HealthStatus(ok: false, reasons: ["API rejected the credentials 3 times in a row"]))
        health.recordAuthSuccess()
        #expect(health.healthz().ok)
    }

    @Test func backlogAboveThresholdIsNotReadyButAlive() {
        let health = HealthState()
        for root in ["b", "a"] {
            health.setWatcherAlive(true, root: root)
            health.markInitialReconcileDone(root: root)
        }
        health.setBacklog(500, root: "b")
        health.setBacklog(50, root: "a")
        #expect(health.healthz().ok)
        #expect(health.readyz(backlogThreshold: 100) == HealthStatus(ok: false, reasons: ["b: backlog of 500 is above 100"]))
        #expect(health.readyz(backlogThreshold: 500).ok)
    }
}
