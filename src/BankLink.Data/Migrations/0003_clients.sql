-- OAuth clients registered by providers with an onboarding token (RFC 7591). The columns the engine
-- filters on are typed; the rest of the validated metadata, as registered and as echoed back by RFC 7592
-- reads, is one jsonb document. Secrets (client_secret of non-FAPI clients, registration access tokens)
-- are stored only as SHA-256: they are 256-bit random values.
CREATE TABLE clients (
    client_id                       varchar(64)   PRIMARY KEY,
    provider_id                     uuid          NOT NULL REFERENCES providers (id) ON DELETE RESTRICT,
    registered_with                 char(8)       NOT NULL REFERENCES onboarding_tokens (id) ON DELETE RESTRICT,
    profile                         varchar(10)   NOT NULL CHECK (profile IN ('fapi2', 'non_fapi')),
    token_endpoint_auth_method      varchar(30)   NOT NULL CHECK (token_endpoint_auth_method IN ('private_key_jwt', 'client_secret_basic')),
    client_secret_hash              bytea         NULL CHECK (length(client_secret_hash) = 32),
    registration_access_token_hash  bytea         NOT NULL CHECK (length(registration_access_token_hash) = 32),
    metadata                        jsonb         NOT NULL CHECK (jsonb_typeof(metadata) = 'object'),
    status                          varchar(10)   NOT NULL CHECK (status IN ('active', 'deleted')),
    created_at                      timestamptz   NOT NULL,
    updated_at                      timestamptz   NOT NULL,
    CONSTRAINT uq_clients_registration_access_token UNIQUE (registration_access_token_hash),
    CONSTRAINT ck_clients_secret_only_for_basic CHECK ((token_endpoint_auth_method = 'client_secret_basic') = (client_secret_hash IS NOT NULL)),
    CONSTRAINT ck_clients_basic_only_non_fapi CHECK (token_endpoint_auth_method <> 'client_secret_basic' OR profile = 'non_fapi')
);
CREATE INDEX ix_clients_provider ON clients (provider_id, status);
