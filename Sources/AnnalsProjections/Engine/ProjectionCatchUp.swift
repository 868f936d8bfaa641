public import AnnalsCore
public import AnnalsLMDB
public import AnnalsMigrations

/// Keeps the projections in an LMDB environment up with a log kept anywhere (`any EventLog`): the
/// projections' catch-up mode.
///
/// It reads the log from the projections' checkpoint in batches and commits each batch's tables
/// and checkpoint in one transaction, so a crash between batches loses nothing and applies nothing
/// twice. The environment may be the log's own (a local store catching up with events a log-only
/// writer appended), a scratch one (`annals verify` builds its fresh copy this way, writing nothing
/// to the store).
public final class ProjectionCatchUp {
    let source: any EventLog
    let environment: Environment
    let catalog: ProjectionCatalog
    let upcaster: Upcaster

    /// Follows `source` into `environment`, whose projections start empty at position 0 when the
    /// environment has none yet. The environment must not be read-only.
    public init(source: any EventLog, environment: Environment, upcaster: Upcaster, registry: ProjectionRegistry = .standard) throws {
        self.source = source
        self.environment = environment
        self.upcaster = upcaster
        catalog = try ProjectionCatalog(environment: environment, registry: registry)
        let unset: [ProjectionName] = try environment.read { [catalog] txn in
            try catalog.registry.names.filter { try catalog.version($0, in: txn) == nil }
        }
        if !unset.isEmpty {
            try environment.write { [catalog] txn in
                for projection in unset { try catalog.setState(projection, generation: 0, position: 0, in: txn) }
            }
        }
    }

    /// The log position the projections reflect.
    public func position() throws -> UInt64 {
        try environment.read { txn in try ProjectionRunner.livePosition(catalog, in: txn) }
    }

    /// How many events the projections have not applied yet.
    public func lag() throws -> UInt64 {
        let head = try source.head().position
        let done = try position()
        return head > done ? head - done : 0
    }

    /// Applies what the log holds past the checkpoint, `batchSize` events a transaction, up to
    /// `until` (default: the head as it is when the call starts). Returns the position reached.
    /// `progress` gets (position reached, target) after each batch.
    @discardableResult
    public func catchUp(until: UInt64? = nil, batchSize: Int = 1024, progress: ((UInt64, UInt64) -> Void)? = nil) throws -> UInt64 {
        let target = try until ?? source.head().position
        let done = try position()
        guard done < target else { return done }
        let consumer = LogConsumer(source: source, upcaster: upcaster, registry: catalog.registry, chunkSize: batchSize)
        return try consumer.run(after: done, through: target, progress: { progress?($0, $1) }) { chunk in
            try environment.write { txn in
                let runner = try ProjectionRunner.live(catalog, upcaster: upcaster, creates: .of(source, for: environment), in: txn)
                try runner.apply(prepared: try chunk.prepared(), in: txn)
                return try runner.checkpoint(in: txn)
            }
        }
    }
}
