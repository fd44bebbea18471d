// swift-tools-version: 6.1
import PackageDescription

// Linux on x86-64 only: the kernels are AVX2 + FMA C (immintrin.h) compiled for haswell, the
// engine loads libopenblas.so.0, and `todo` links the static Foundation of the Linux toolchain.
#if !(os(Linux) && arch(x86_64))
fatalError("Smart TODO builds on Linux x86-64 only (AVX2 + FMA kernels, libopenblas.so.0, static Foundation); this host is not one.")
#endif

// Static Foundation's archives, named because the modules were compiled against the
// shared SDK (whose autolink entries omit them); order matters: each needs the ones after it.
let staticFoundation: [LinkerSetting] = ["CoreFoundation", "_FoundationICU", "_FoundationCShims", "_FoundationCollections"]
    .map { .linkedLibrary($0) }

let package = Package(
    name: "SmartTODO",
    products: [
        .executable(name: "todo", targets: ["todo"]),
        .executable(name: "convert-weights", targets: ["convert-weights"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        // `todo serve`: the HTTP service (Sources/TaskServer) and its tests.
        // Hummingbird without its swift-configuration trait: settings come from `todo serve`'s options.
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-http-types", exact: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        // PostgreSQL, the shared store of a team (Sources/TaskPostgres); swift-crypto comes with it.
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.9.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.25.0"),
    ],
    targets: [
        // The engine's C: attention, activations, the few-rows kernel, the thread pool, and
        // OpenBLAS's sgemm loaded on first use (apt package libopenblas-dev; see Sources/Kernels/blas.c).
        .target(name: "Kernels", linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("pthread")]),
        // The JSON reader of tokenizer files, safetensors headers, bundle configs and settings.
        .target(name: "JSONReader"),
        .target(name: "Tokenizers", dependencies: ["JSONReader"]),
        // The seeded generator of the benchmark's corpora and the tests' data.
        .target(name: "SeededRandom"),
        .target(
            name: "Inference",
            dependencies: ["Kernels", "JSONReader", "Tokenizers", .product(name: "Crypto", package: "swift-crypto")],
            // AVX2 + FMA (haswell, i.e. x86-64-v3): without it Swift emits SSE only and the kernels run at a quarter speed.
            swiftSettings: [.unsafeFlags(["-target-cpu", "haswell"])]
        ),
        .target(
            name: "TaskService",
            dependencies: ["Inference", "JSONReader", "SQLiteTuning", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The HTTP service behind `todo serve`: routes, problem+json errors, auth, SSE, the
        // dynamic-batching queue in front of the engine, metrics, the web page.
        .target(
            name: "TaskServer",
            dependencies: [
                "TaskService", "TaskPostgres", "Inference",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // PostgreSQL as the shared store: migrations, accounts and their tokens, tasks scoped to an account, the workers.
        .target(
            name: "TaskPostgres",
            dependencies: [
                "TaskService",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // SQLite connection settings that need C (variadic sqlite3_db_config); apt package libsqlite3-dev.
        .target(name: "SQLiteTuning", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(name: "AllocatorTuning"),
        .executableTarget(
            name: "todo",
            dependencies: [
                "JSONReader", "Tokenizers", "Inference", "TaskService", "TaskServer", "TaskPostgres", "SeededRandom", "AllocatorTuning",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The Swift runtime and Foundation linked in: a `todo` process starts ~8 ms sooner
            // than with them loaded and relocated as shared libraries, and every command pays it.
            // No symbol exported: the toolchain's default exports all ~69,000, and the runtime's
            // start-up dladdr then scans them all (~1.5 ms of every command). Nothing looks them up:
            // OpenBLAS is dlopened, and a static binary's crash backtracer reads the symbol table.
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xlinker", "--no-export-dynamic"])] + staticFoundation
        ),
        .executableTarget(
            name: "convert-weights",
            dependencies: [
                "Tokenizers", "Inference",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tools/convert-weights"
        ),
        // Where the tests find the package's files, and the `todo` binary they run.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "TokenizersTests", dependencies: ["JSONReader", "Tokenizers", "SeededRandom", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "InferenceTests", dependencies: ["Inference", "SeededRandom", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "TaskServiceTests", dependencies: ["TaskService", "Inference", "Tokenizers", "SeededRandom", "TestSupport"]),
        // `todo` itself, run as a process: every command end to end.
        .testTarget(name: "CLITests", dependencies: ["TaskService", "Inference", "Tokenizers", "TestSupport", "AllocatorTuning",
                                                   .product(name: "GRDB", package: "GRDB.swift")],
                    exclude: ["Fixtures"]),
        // Against a throw-away PostgreSQL cluster (Tools/postgres-cluster.sh; SMART_TODO_TEST_POSTGRES).
        .testTarget(name: "PostgresTests", dependencies: ["TaskPostgres", "TaskService", "TaskServer", "TestSupport"]),
        // `todo serve` over real HTTP on loopback: the API, its errors, SSE, faults and load.
        .testTarget(name: "ServeTests", dependencies: [
            "TaskServer", "TaskService", "TestSupport",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
    ]
)
