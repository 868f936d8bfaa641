// swift-tools-version:6.1
// Annals: an event-sourced record store with an audit log, on LMDB.
//
// One module per layer; each imports only the layers below it:
//   AnnalsCore (JSON, time, text, the EventLog protocol, an in-memory log; no LMDB)
//   CLMDB (C shim) → AnnalsLMDB (safe wrapper) → AnnalsLMDBLog (the hash-chained log in LMDB)
//   AnnalsCore → AnnalsRecords (schemas, edits, importers) → AnnalsMigrations (upcasts, store formats)
//   → AnnalsProjections (the projection engine, queries) → AnnalsApplication (use cases)
//   → AnnalsServer (HTTP on Hummingbird) → AnnalsCLI / annals
// Test support (AnnalsTesting, AnnalsTestThreads, annals-testhelper) and the fuzz targets
// (AnnalsFuzzTargets, annals-fuzz) sit beside them and never ship in `annals`.
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Annals",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "AnnalsCore", targets: ["AnnalsCore"]),
        .library(name: "AnnalsLMDBLog", targets: ["AnnalsLMDBLog"]),
        .library(name: "AnnalsRecords", targets: ["AnnalsRecords"]),
        .library(name: "AnnalsProjections", targets: ["AnnalsProjections"]),
        .executable(name: "annals", targets: ["annals"]),
        .executable(name: "annals-bench", targets: ["AnnalsBench"]),
        .executable(name: "annals-fuzz", targets: ["AnnalsFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", exact: "2.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", exact: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", exact: "2.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-http-types.git", exact: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        // Already resolved through postgres-nio; named for the shared log's TLS (sslmode).
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
    ],
    targets: [
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .target(
            name: "AnnalsLMDB",
            dependencies: ["CLMDB"],
            swiftSettings: strict
        ),
        .target(
            name: "AnnalsCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "AnnalsLMDBLog",
            dependencies: ["AnnalsCore", "AnnalsLMDB"],
            swiftSettings: strict
        ),
        .target(
            name: "AnnalsRecords",
            dependencies: [
                "AnnalsCore",
                .product(name: "CSV", package: "CSV.swift"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "AnnalsMigrations",
            dependencies: ["AnnalsLMDBLog", "AnnalsRecords", "AnnalsCore"],
            swiftSettings: strict
        ),
        .target(
            name: "AnnalsProjections",
            dependencies: ["AnnalsLMDBLog", "AnnalsMigrations", "AnnalsRecords", "AnnalsCore", "AnnalsLMDB"],
            swiftSettings: strict
        ),
        .target(
            name: "AnnalsApplication",
            dependencies: [
                "AnnalsProjections", "AnnalsMigrations", "AnnalsRecords", "AnnalsLMDBLog", "AnnalsPostgres", "AnnalsCore", "AnnalsLMDB",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
            // AnnalsLMDB for `Failure`, which names its error types to classify them, and for the
            // savepoints of group commit;
            // AnnalsPostgres for the shared log a follower's edits go to;
            // HummingbirdBcrypt (C bcrypt, no server) for the users' token hashes.
            swiftSettings: strict
        ),
        .target(
            name: "AnnalsPostgres",
            dependencies: [
                "AnnalsCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "AnnalsServer",
            dependencies: [
                "AnnalsApplication", "AnnalsRecords", "AnnalsCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Browser"],
            swiftSettings: strict
        ),
        .target(
            name: "AnnalsCLI",
            dependencies: [
                "AnnalsApplication", "AnnalsServer", "AnnalsRecords", "AnnalsCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "annals",
            dependencies: ["AnnalsCLI"],
            swiftSettings: strict
        ),
        .target(
            name: "AnnalsTesting",
            dependencies: ["AnnalsLMDBLog", "AnnalsCore", "AnnalsLMDB"],
            swiftSettings: strict
        ),
        .target(
            name: "AnnalsTestThreads",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "AnnalsTestHelper",
            dependencies: ["AnnalsLMDBLog", "AnnalsCore", "AnnalsLMDB", "AnnalsProjections", "AnnalsPostgres", "AnnalsTesting"],
            swiftSettings: strict
        ),
        .target(
            name: "AnnalsFuzzTargets",
            dependencies: ["AnnalsRecords", "AnnalsCore"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "AnnalsFuzz",
            dependencies: ["AnnalsFuzzTargets"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "AnnalsBench",
            dependencies: ["AnnalsLMDBLog", "CLMDB", "AnnalsCore", "AnnalsLMDB", "AnnalsRecords", "AnnalsProjections", "AnnalsPostgres", "AnnalsTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnnalsLMDBTests",
            dependencies: ["AnnalsLMDB", "AnnalsTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnnalsRecordsTests",
            dependencies: ["AnnalsLMDBLog", "AnnalsRecords", "AnnalsCore", "AnnalsTesting", "AnnalsFuzzTargets"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnnalsProjectionsTests",
            dependencies: [
                "AnnalsProjections", "AnnalsMigrations", "AnnalsRecords", "AnnalsCore", "AnnalsLMDB", "AnnalsTesting", "AnnalsTestThreads", "AnnalsTestHelper",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnnalsMigrationsTests",
            dependencies: ["AnnalsLMDBLog", "AnnalsMigrations", "AnnalsProjections", "AnnalsRecords", "AnnalsCore", "AnnalsLMDB", "AnnalsTesting", "AnnalsTestThreads", "annals",
                           .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnnalsCLITests",
            dependencies: ["AnnalsLMDBLog", "annals", "AnnalsCLI", "AnnalsTesting", "AnnalsTestThreads", "AnnalsCore", "AnnalsLMDB"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnnalsServerTests",
            dependencies: ["annals", "AnnalsCLI", "AnnalsTestHelper", "AnnalsTesting", "AnnalsTestThreads", "AnnalsCore", "AnnalsRecords", "AnnalsServer", "AnnalsApplication",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HTTPTypes", package: "swift-http-types"),
                           .product(name: "HummingbirdTesting", package: "hummingbird"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnnalsPostgresTests",
            dependencies: ["AnnalsPostgres", "AnnalsCore", "AnnalsLMDBLog", "AnnalsTesting", "AnnalsTestThreads"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnnalsApplicationTests",
            dependencies: ["AnnalsApplication", "AnnalsProjections", "AnnalsPostgres", "AnnalsRecords", "AnnalsCore", "AnnalsTesting", "AnnalsTestThreads"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnnalsLogTests",
            dependencies: [
                "AnnalsLMDBLog", "AnnalsCore", "AnnalsLMDB", "AnnalsTesting", "AnnalsTestThreads", "AnnalsTestHelper",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
