-- Provider onboarding tokens (DOMAIN.md): issued to a named person of a provider, valid 60 days,
-- renewable, and stored only as SHA-256 of the whole token. The 8-character id is not a secret: it is
-- how operators and logs refer to a token.
CREATE TABLE onboarding_tokens (
    id            char(8)       PRIMARY KEY CHECK (id ~ '^[0-9a-z]{8}$'),
    provider_id   uuid          NOT NULL REFERENCES providers (id) ON DELETE RESTRICT,
    person_name   varchar(200)  NOT NULL CHECK (length(trim(person_name)) > 0),
    token_hash    bytea         NOT NULL CHECK (length(token_hash) = 32),
    status        varchar(10)   NOT NULL CHECK (status IN ('active', 'renewed', 'revoked')),
    created_at    timestamptz   NOT NULL,
    expires_at    timestamptz   NOT NULL CHECK (expires_at > created_at),
    renewed_from  char(8)       NULL REFERENCES onboarding_tokens (id) ON DELETE RESTRICT,
    last_used_at  timestamptz   NULL,
    use_count     integer       NOT NULL DEFAULT 0 CHECK (use_count >= 0),
    issued_by     varchar(100)  NOT NULL,
    CONSTRAINT uq_onboarding_tokens_renewed_from UNIQUE (renewed_from)
);
CREATE INDEX ix_onboarding_tokens_provider ON onboarding_tokens (provider_id, status);
