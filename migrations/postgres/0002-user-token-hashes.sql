-- Users' token hashes, outside the hash-chained log: the log records who was granted what role,
-- when and by whom; the bcrypt hash of each user's current token lives here, replaced when the
-- token is reset. `version` is the version of the user's stream when the hash was set. Followers
-- keep a copy in their own store, so sign-in works while this database cannot be reached.
CREATE TABLE annals_token_hashes (
    name text PRIMARY KEY,
    hash text NOT NULL,
    version bigint NOT NULL CHECK (version >= 1),
    updated_at timestamptz NOT NULL DEFAULT now()
);
