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
