-- The Annals event log in PostgreSQL: one row per event, its value the same bytes the LMDB log
-- keeps (the 32-byte chained hash, then the record the hash covers), so positions and hashes are
-- identical on both backends. annals_head is one row; an append locks it (SELECT … FOR UPDATE)
-- for its whole transaction, which serialises appends: commit order is position order, and a
-- follower reading by position never skips an event that commits late.
CREATE TABLE annals_events (
    position bigint PRIMARY KEY CHECK (position >= 1),
    stream text NOT NULL,
    version bigint NOT NULL CHECK (version >= 1),
    id uuid NOT NULL UNIQUE,
    type text NOT NULL,
    value bytea NOT NULL,
    UNIQUE (stream, version)
);

CREATE TABLE annals_head (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    position bigint NOT NULL,
    hash bytea NOT NULL,
    recorded_at bigint
);

INSERT INTO annals_head (one, position, hash, recorded_at)
VALUES (true, 0, '\x0000000000000000000000000000000000000000000000000000000000000000', NULL);
