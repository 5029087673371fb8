-- Last-known core answers (ARCHITECTURE.md "The core banking side"; DOMAIN.md "Service hours and data freshness"):
-- written only when the bank serves last-known data, at most once a minute per node and snapshot, and served with
-- their original as_of, marked stale, while the core is down or the service is closed. subject is the account id
-- (account, balance, transactions) or the customer number (accounts); query_key tells history queries apart.
CREATE TABLE core_snapshots (
    subject     varchar(64)   NOT NULL,
    kind        varchar(16)   NOT NULL CHECK (kind IN ('accounts', 'account', 'balance', 'transactions')),
    query_key   varchar(100)  NOT NULL,
    payload     jsonb         NOT NULL,
    as_of       timestamptz   NOT NULL,
    written_at  timestamptz   NOT NULL,
    PRIMARY KEY (subject, kind, query_key)
);
CREATE INDEX ix_core_snapshots_written_at ON core_snapshots (written_at);
