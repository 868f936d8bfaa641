public import AnnalsCore
public import AnnalsLMDB

extension LMDBEventLog {
    static let replicaKey = Array("replica-of".utf8)

    /// The address of the shared log this log is a replica of (a follower's store), or nil for a
    /// log of its own. A replica's events come only from that log, through `restore`.
    public func replicaSource() throws -> String? {
        try environment.read { txn in try replicaSource(in: txn) }
    }

    public func replicaSource(in txn: Transaction) throws -> String? {
        try txn.get(meta, Self.replicaKey).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Marks this log as a replica of the log at `address` (kept without any secret). The caller
    /// checks that the log is empty, or already follows that log's history.
    public func setReplicaSource(_ address: String, in txn: WriteTransaction) throws {
        try txn.put(meta, Self.replicaKey, Array(address.utf8))
    }
}

extension LMDBEventLog {
    static let switchesKey = Array("replica-switches".utf8)

    /// Every switch of this follower to another shared log, oldest first.
    public func sourceSwitches() throws -> [SourceSwitch] {
        try environment.read { txn in try sourceSwitches(in: txn) }
    }

    func sourceSwitches(in txn: Transaction) throws -> [SourceSwitch] {
        guard let bytes = try txn.get(meta, Self.switchesKey) else { return [] }
        guard case .array(let entries) = try JSONValue.parse(bytes) else { return [] }
        return entries.compactMap(SourceSwitch.init)
    }

    /// Adds `entry` to the switches this store records.
    public func recordSourceSwitch(_ entry: SourceSwitch, in txn: WriteTransaction) throws {
        let all = try sourceSwitches(in: txn) + [entry]
        try txn.put(meta, Self.switchesKey, JSONValue.array(all.map(\.json)).canonicalBytes)
    }
}
