// swift-tools-version: 6.0
import PackageDescription

// Toolchain only: no package dependencies, by design (see README, "Design rules").
let package = Package(
    name: "aisearch-sync",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "aisearch-sync", targets: ["aisearch-sync"]),
    ],
    targets: [
        // Wraps the C system calls we use (errno, descriptors, poll, stat) once.
        .target(name: "LinuxSystem"),
        // The Cloudflare AI Search REST client.
        .target(name: "AISearchAPI", dependencies: ["Hashing", "LinuxSystem"]),
        // A small HTTP/1.1 server on Glibc sockets (emulator, health/metrics endpoint).
        .target(name: "HTTPServer", dependencies: ["LinuxSystem"]),
        // The emulated AI Search API, served by HTTPServer.
        .target(name: "Emulator", dependencies: ["HTTPServer", "AISearchAPI", "Hashing", "LinuxSystem", "ObjectStorage"]),
        // inotify watcher, ignore rules, settling.
        .target(name: "FileWatch", dependencies: ["LinuxSystem"]),
        // Structured logs, Prometheus metrics, health: what operators see.
        .target(name: "Observability"),
        // SHA-256, MD5, SHA-1 and HMAC in Swift: the sync engine's digests and request signing.
        .target(name: "Hashing"),
        // The S3 client for R2: SigV4 signing, objects, listings, S3 errors.
        .target(name: "ObjectStorage", dependencies: ["AISearchAPI", "Hashing", "LinuxSystem"]),
        // Keys, eligibility, file hashing, state, planner, executor.
        .target(name: "SyncCore", dependencies: ["AISearchAPI", "FileWatch", "Hashing", "LinuxSystem", "Observability"]),
        // The running agent: sessions, the supervised watch loop, health, metrics, shutdown.
        .target(name: "Agent", dependencies: ["AISearchAPI", "FileWatch", "Hashing", "HTTPServer", "LinuxSystem", "ObjectStorage", "Observability", "SyncCore"]),
        // Argument parsing and the commands.
        .target(name: "CLI", dependencies: ["Agent", "AISearchAPI", "Emulator", "FileWatch", "SyncCore", "LinuxSystem", "Observability"]),
        .executableTarget(name: "aisearch-sync", dependencies: ["CLI", "LinuxSystem"]),
        // The torture suite: random workload, injected faults and SIGKILLs against the agent binary.
        .target(name: "Torture", dependencies: ["AISearchAPI", "Emulator", "Hashing", "ObjectStorage", "SyncCore", "LinuxSystem"]),
        .executableTarget(name: "aisearch-torture", dependencies: ["Torture"]),

        // Helpers shared by the test targets (child processes off the cooperative pool).
        .target(name: "TestSupport", dependencies: ["LinuxSystem"], path: "Tests/TestSupport"),

        .testTarget(name: "LinuxSystemTests", dependencies: ["LinuxSystem", "TestSupport"]),
        .testTarget(name: "HashingTests", dependencies: ["Hashing"]),
        .testTarget(name: "AISearchAPITests", dependencies: ["AISearchAPI", "Hashing", "LinuxSystem"]),
        .testTarget(name: "ObjectStorageTests", dependencies: ["ObjectStorage", "AISearchAPI", "Hashing"],
                    exclude: ["moto_helper.py"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "LinuxSystem", "TestSupport"]),
        .testTarget(name: "EmulatorTests", dependencies: ["Emulator", "AISearchAPI", "Hashing", "HTTPServer", "ObjectStorage", "TestSupport"],
                    exclude: ["sdk_client_check.py", "boto3_r2_check.py"]),
        .testTarget(name: "FileWatchTests", dependencies: ["FileWatch", "LinuxSystem", "TestSupport"]),
        .testTarget(name: "SyncCoreTests", dependencies: ["SyncCore", "AISearchAPI", "FileWatch", "Hashing", "TestSupport"]),
        .testTarget(name: "ObservabilityTests", dependencies: ["Observability", "TestSupport"]),
        .testTarget(name: "AgentTests", dependencies: ["Agent", "AISearchAPI", "FileWatch", "Hashing", "LinuxSystem", "Observability", "SyncCore"]),
        .testTarget(name: "CLITests", dependencies: ["CLI", "Agent", "TestSupport"]),
        .testTarget(name: "TortureTests", dependencies: ["Torture", "Emulator"]),
        .testTarget(name: "EndToEndTests", dependencies: ["CLI", "Emulator", "Hashing", "LinuxSystem", "SyncCore", "AISearchAPI", "FileWatch", "ObjectStorage", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
