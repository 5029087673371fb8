-- Tokens (ARCHITECTURE.md "Tokens"): opaque values whose SHA-256 is all that is stored. Every token
-- that acts for a customer belongs to a grant (the permission of DOMAIN.md; the grants table comes with
-- the authorization step); provider-level tokens (client_credentials) have none. Access and refresh
-- tokens are bound to a DPoP key (cnf.jkt, RFC 9449 §6).
CREATE TABLE tokens (
    id            uuid          PRIMARY KEY,
    token_hash    bytea         NOT NULL CHECK (length(token_hash) = 32),
    kind          varchar(20)   NOT NULL CHECK (kind IN ('access_token', 'refresh_token', 'authorization_code')),
    client_id     varchar(64)   NOT NULL REFERENCES clients (client_id) ON DELETE RESTRICT,
    grant_id      uuid          NULL,
    subject       varchar(64)   NULL,
    scope         varchar(500)  NOT NULL,
    jkt           varchar(64)   NULL,
    status        varchar(10)   NOT NULL CHECK (status IN ('active', 'redeemed', 'revoked')),
    created_at    timestamptz   NOT NULL,
    expires_at    timestamptz   NOT NULL CHECK (expires_at > created_at),
    revoked_at    timestamptz   NULL,
    CONSTRAINT uq_tokens_token_hash UNIQUE (token_hash),
    CONSTRAINT ck_tokens_bound CHECK (kind = 'authorization_code' OR jkt IS NOT NULL)
);
CREATE INDEX ix_tokens_grant_status ON tokens (grant_id, status) WHERE grant_id IS NOT NULL;
CREATE INDEX ix_tokens_client_status ON tokens (client_id, status);
CREATE INDEX ix_tokens_expires_at ON tokens (expires_at);
