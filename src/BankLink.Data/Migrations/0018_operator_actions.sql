-- Issue 6, customer-facing operator actions: the four-eyes queue, and the indexes behind the operator console's
-- customer search and audit filters.
--
-- The indexes on audit_events and ledger.accounts use IF NOT EXISTS on purpose. The migrator runs each script in
-- a transaction, so it cannot use CREATE INDEX CONCURRENTLY. On a bank's large audit trail a plain CREATE INDEX
-- would block every audited write (the resource API's reads included) until it finished. Such a deployment first
-- runs the same statements with CONCURRENTLY and the same names, outside the migrator, and this script then
-- finds the indexes already there. A small or new trail builds them here in moments.

-- Four-eyes (issue 6: "the four-eyes rule applies where the bank configures it"). One operator asks for an action
-- here. A different operator, with at least the role the action needs, approves it within 24 hours, and the
-- approver's console or API then executes the stored payload. The payload names targets only (ids, names, flags).
-- It never holds a secret: FourEyesQueue refuses secret-looking keys, and the CHECK below bounds the size.
CREATE TABLE pending_operator_actions (
    id               uuid          PRIMARY KEY,
    action           varchar(64)   NOT NULL CHECK (action ~ '^[a-z][a-z0-9_]*$'),
    required_role    varchar(10)   NOT NULL CHECK (required_role IN ('viewer', 'operator', 'admin')),
    target           varchar(500)  NOT NULL,
    customer_id      uuid          NULL REFERENCES customers (id) ON DELETE RESTRICT,
    provider_id      uuid          NULL REFERENCES providers (id) ON DELETE RESTRICT,
    payload          jsonb         NOT NULL CHECK (jsonb_typeof(payload) = 'object' AND octet_length(payload::text) <= 8192),
    reason           varchar(500)  NOT NULL,
    requested_by_id  uuid          NOT NULL,
    requested_by     varchar(200)  NOT NULL,
    requested_at     timestamptz   NOT NULL,
    expires_at       timestamptz   NOT NULL CHECK (expires_at > requested_at),
    status           varchar(10)   NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'expired')),
    decided_by_id    uuid          NULL,
    decided_by       varchar(200)  NULL,
    decided_at       timestamptz   NULL,
    decision_reason  varchar(500)  NULL,
    -- Every request that is no longer pending records when that happened. An expired request has no decider.
    CONSTRAINT ck_pending_operator_actions_decided CHECK ((status = 'pending') = (decided_at IS NULL)),
    CONSTRAINT ck_pending_operator_actions_decider CHECK ((status IN ('approved', 'rejected')) = (decided_by IS NOT NULL))
);
CREATE INDEX ix_pending_operator_actions_pending ON pending_operator_actions (requested_at DESC) WHERE status = 'pending';
CREATE INDEX ix_pending_operator_actions_requested_at ON pending_operator_actions (requested_at DESC);

-- Customer search: login IDs are found exactly but regardless of case (operators type what the customer says on the phone).
CREATE INDEX IF NOT EXISTS ix_customers_login_id_lower ON customers (lower(login_id));

-- Customer search by account number alone (without the branch code). The branch + number pair is already unique.
CREATE INDEX IF NOT EXISTS ix_ledger_accounts_account_number ON ledger.accounts (account_number);

-- Audit filters (AuditSearch). Every query reads newest first by id (the keyset) and uses the most selective of:
--   customer: ix_audit_events_customer_security (0011) when per-read events are left out, else the new
--             ix_audit_events_customer_all, which covers every event, data_read included, so a customer's
--             disclosures can be listed too. data_read rows are the bulk of the table, so a partial index
--             "only data_read" would be nearly as large as this one.
--   provider: ix_audit_events_provider (0011), a backward scan.
--   account:  a new index. Most rows with an account are data_read, and account queries exist to list them.
--   operator: small, because only operators' rows are in it.
--   type:     small, because data_read is left out. data_read itself is so dense that the primary key serves it.
--   time:     BRIN. It is a few pages for the whole trail because rows are appended in time order, and it lets a
--             time-only query skip the block ranges outside [from, to).
CREATE INDEX IF NOT EXISTS ix_audit_events_customer_all ON audit_events (customer_id, id DESC) WHERE customer_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_audit_events_account ON audit_events (account_id, id DESC) WHERE account_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_audit_events_operator ON audit_events (actor_id, id DESC) WHERE actor_kind = 'operator';
CREATE INDEX IF NOT EXISTS ix_audit_events_type ON audit_events (event_type, id DESC) WHERE event_type <> 'data_read';
CREATE INDEX IF NOT EXISTS ix_audit_events_occurred_at_brin ON audit_events USING brin (occurred_at);
