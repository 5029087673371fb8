-- Registration for linking (利用登録, DOMAIN.md "Two consents"): the customer accepts the linking terms and names
-- the accounts that may be linked at all. It expires after a set period; a new registration supersedes the
-- customer's previous one; at most one is active per customer.
CREATE TABLE registrations (
    id             uuid          PRIMARY KEY,
    customer_id    uuid          NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    terms_version  varchar(20)   NOT NULL,
    accepted_at    timestamptz   NOT NULL,
    expires_at     timestamptz   NOT NULL CHECK (expires_at > accepted_at),
    status         varchar(12)   NOT NULL CHECK (status IN ('active', 'superseded', 'revoked')),
    ended_at       timestamptz   NULL CHECK ((status = 'active') = (ended_at IS NULL))
);
CREATE UNIQUE INDEX uq_registrations_customer_active ON registrations (customer_id) WHERE status = 'active';
CREATE INDEX ix_registrations_customer ON registrations (customer_id, accepted_at DESC);

-- The accounts a registration names: the core's account references, linkable when registered.
CREATE TABLE registration_accounts (
    registration_id  uuid  NOT NULL REFERENCES registrations (id) ON DELETE RESTRICT,
    account_id       uuid  NOT NULL,
    PRIMARY KEY (registration_id, account_id)
);

-- "My links" shows when a provider last used a link; written at most once a minute per grant.
ALTER TABLE grants ADD COLUMN last_used_at timestamptz NULL;
