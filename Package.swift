// swift-tools-version:6.1
// Annals: an event-sourced record store with an audit log, on LMDB.
//
// One module per layer; each imports only the layers below it:
//   CLMDB (C shim) → AnnalsLMDB (safe wrapper) → AnnalsEventLog (hash-chained log)
//   → AnnalsRecords (schemas, edits, importers) → AnnalsMigrations (upcasts, store formats)
//   → AnnalsProjections (current state, aggregates, audit) → AnnalsCLI / annals
// Test support (AnnalsTesting, annals-testhelper) sits beside them and never ships in `annals`.
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Annals",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "AnnalsEventLog", targets: ["AnnalsEventLog"]),
        .library(name: "AnnalsRecords", targets: ["AnnalsRecords"]),
        .library(name: "AnnalsProjections", targets: ["AnnalsProjections"]),
        .executable(name: "annals", targets: ["annals"]),
        .executable(name: "annals-bench", targets: ["AnnalsBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", exact: "2.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", exact: "2.0.1"),
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
            name: "AnnalsEventLog",
            dependencies: [
                "AnnalsLMDB",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "AnnalsRecords",
            dependencies: [
                "AnnalsEventLog",
                .product(name: "CSV", package: "CSV.swift"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "AnnalsMigrations",
            dependencies: ["AnnalsRecords", "AnnalsEventLog"],
            swiftSettings: strict
        ),
        .target(
            name: "AnnalsProjections",
            dependencies: ["AnnalsMigrations", "AnnalsRecords", "AnnalsEventLog", "AnnalsLMDB"],
            swiftSettings: strict
        ),
        .target(
            name: "AnnalsCLI",
            dependencies: [
                "AnnalsProjections", "AnnalsRecords", "AnnalsEventLog", "AnnalsLMDB",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
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
            dependencies: ["AnnalsEventLog", "AnnalsLMDB"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "AnnalsTestHelper",
            dependencies: ["AnnalsEventLog", "AnnalsProjections", "AnnalsTesting"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "AnnalsBench",
            dependencies: ["CLMDB", "AnnalsEventLog", "AnnalsLMDB", "AnnalsRecords", "AnnalsProjections", "AnnalsTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnnalsLMDBTests",
            dependencies: ["AnnalsLMDB", "AnnalsTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnnalsRecordsTests",
            dependencies: ["AnnalsRecords", "AnnalsEventLog", "AnnalsTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnnalsProjectionsTests",
            dependencies: [
                "AnnalsProjections", "AnnalsRecords", "AnnalsEventLog", "AnnalsLMDB", "AnnalsTesting", "AnnalsTestHelper",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnnalsMigrationsTests",
            dependencies: ["AnnalsMigrations", "AnnalsProjections", "AnnalsRecords", "AnnalsEventLog", "AnnalsLMDB", "AnnalsTesting", "annals"],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnnalsCLITests",
            dependencies: ["annals", "AnnalsTesting", "AnnalsEventLog", "AnnalsLMDB"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnnalsEventLogTests",
            dependencies: ["AnnalsEventLog", "AnnalsLMDB", "AnnalsTesting", "AnnalsTestHelper"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
