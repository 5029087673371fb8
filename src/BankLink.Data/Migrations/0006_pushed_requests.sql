-- Pushed authorization requests (RFC 9126): the validated parameters under the SHA-256 of their one-time
-- request_uri reference, for 60 seconds, consumed when the authorization completes.
CREATE TABLE pushed_requests (
    request_uri_hash  bytea         PRIMARY KEY CHECK (length(request_uri_hash) = 32),
    client_id         varchar(64)   NOT NULL REFERENCES clients (client_id) ON DELETE RESTRICT,
    parameters        jsonb         NOT NULL CHECK (jsonb_typeof(parameters) = 'object'),
    dpop_jkt          varchar(64)   NULL,
    created_at        timestamptz   NOT NULL,
    expires_at        timestamptz   NOT NULL CHECK (expires_at > created_at),
    consumed_at       timestamptz   NULL
);
CREATE INDEX ix_pushed_requests_expires_at ON pushed_requests (expires_at);
