-- Grants: the permission of DOMAIN.md (API連携の許可), per customer and provider client, naming the
-- accounts the customer ticked and the functions (scopes) allowed, and ending at expires_at at the
-- latest. Every token acting for a customer belongs to one; ending the grant ends its tokens.
CREATE TABLE grants (
    id               uuid          PRIMARY KEY,
    client_id        varchar(64)   NOT NULL REFERENCES clients (client_id) ON DELETE RESTRICT,
    provider_id      uuid          NOT NULL REFERENCES providers (id) ON DELETE RESTRICT,
    customer_id      uuid          NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    scope            varchar(500)  NOT NULL,
    status           varchar(10)   NOT NULL CHECK (status IN ('active', 'revoked')),
    created_at       timestamptz   NOT NULL,
    updated_at       timestamptz   NOT NULL,
    expires_at       timestamptz   NOT NULL CHECK (expires_at > created_at),
    revoked_at       timestamptz   NULL,
    revoked_reason   varchar(200)  NULL,
    CONSTRAINT ck_grants_revoked CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
);
CREATE INDEX ix_grants_client_customer_status ON grants (client_id, customer_id, status);
CREATE INDEX ix_grants_customer_status ON grants (customer_id, status);

-- The accounts a grant names: the core's account references, only ever linkable ones at grant time.
CREATE TABLE grant_accounts (
    grant_id    uuid  NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
    account_id  uuid  NOT NULL,
    PRIMARY KEY (grant_id, account_id)
);
CREATE INDEX ix_grant_accounts_account ON grant_accounts (account_id);

ALTER TABLE tokens ADD CONSTRAINT fk_tokens_grant FOREIGN KEY (grant_id) REFERENCES grants (id) ON DELETE RESTRICT;

-- What an authorization code must remember until it is redeemed (RFC 6749 §4.1.3, RFC 7636 §4.6,
-- RFC 9449 §10): redirect_uri, code_challenge, nonce, auth_time, dpop_jkt. Never a secret.
ALTER TABLE tokens ADD COLUMN payload jsonb NULL CHECK (payload IS NULL OR jsonb_typeof(payload) = 'object');
