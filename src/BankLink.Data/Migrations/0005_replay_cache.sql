-- One-time identifiers seen by any node: client assertion jti (RFC 7523 §3 item 7) and DPoP proof jti
-- (RFC 9449 §11.1). A row lives until the identifier could no longer be accepted anyway; an expired row
-- may be taken over by a new use and is pruned in the background. The key is a SHA-256 over kind, scope
-- and identifier, so its length is fixed whatever a client sends.
CREATE TABLE replay_cache (
    key         bytea        PRIMARY KEY CHECK (length(key) = 32),
    expires_at  timestamptz  NOT NULL
);
CREATE INDEX ix_replay_cache_expires_at ON replay_cache (expires_at);
