-- Issue 6, provider-side operations: provider suspension, the service hours as operators edit them, and the
-- counters behind the operators' dashboard and the providers' error rates.

-- Suspension (DOMAIN.md "How links end"): a suspended provider's clients are 'suspended', and 'active' again when
-- the provider is reinstated. Every endpoint that authenticates a client reads active clients only, so while
-- suspended the provider can neither redeem a refresh token, push a request, introspect, revoke nor manage its
-- registrations; the resource API's check on provider and client refuses its tokens. Grants stay as they are.
ALTER TABLE clients DROP CONSTRAINT clients_status_check;
ALTER TABLE clients ADD CONSTRAINT ck_clients_status CHECK (status IN ('active', 'suspended', 'deleted'));

-- The bank's service hours as operators edit them: one row, its document (JSON: the weekly hours in Japan time, the
-- maintenance windows, the outside-hours policy) overrides BankLink:ServiceHours while it is not NULL. version grows
-- with every change, so an edit made on an older version is refused rather than lost. Earlier documents are in the
-- audit trail (service_hours_changed, before and after).
CREATE TABLE service_hours (
    id          smallint      PRIMARY KEY CHECK (id = 1),
    version     bigint        NOT NULL CHECK (version >= 0),
    document    text          NULL CHECK (document IS NULL OR jsonb_typeof(document::jsonb) = 'object'),
    updated_at  timestamptz   NULL,
    updated_by  varchar(200)  NULL
);
INSERT INTO service_hours (id, version) VALUES (1, 0);

-- Refusals of provider requests per hour, client and reason, and the requests themselves per hour and client:
-- counted in memory on each node and added here every few seconds (RefusalCounter), never one row per request.
-- client_id is '' when the refused request named no known client. Not a foreign key: counters outlive clients.
CREATE TABLE refusal_counts (
    bucket_hour  timestamptz  NOT NULL CHECK (mod(extract(epoch FROM bucket_hour), 3600) = 0),
    client_id    varchar(64)  NOT NULL,
    reason       varchar(20)  NOT NULL CHECK (reason IN ('expired', 'revoked', 'wrong_sender', 'consent_ended', 'other')),
    count        bigint       NOT NULL CHECK (count > 0),
    PRIMARY KEY (bucket_hour, client_id, reason)
);
CREATE INDEX ix_refusal_counts_client_hour ON refusal_counts (client_id, bucket_hour);

CREATE TABLE request_counts (
    bucket_hour  timestamptz  NOT NULL CHECK (mod(extract(epoch FROM bucket_hour), 3600) = 0),
    client_id    varchar(64)  NOT NULL,
    count        bigint       NOT NULL CHECK (count > 0),
    PRIMARY KEY (bucket_hour, client_id)
);
CREATE INDEX ix_request_counts_client_hour ON request_counts (client_id, bucket_hour);

-- Access tokens issued per hour and client, rolled up from the tokens table once an hour is over: expired tokens
-- are pruned a day after they expire, the dashboard shows 30 days. rolled_up_to is the end of the last hour counted.
CREATE TABLE token_issue_counts (
    bucket_hour  timestamptz  NOT NULL CHECK (mod(extract(epoch FROM bucket_hour), 3600) = 0),
    client_id    varchar(64)  NOT NULL,
    count        bigint       NOT NULL CHECK (count > 0),
    PRIMARY KEY (bucket_hour, client_id)
);
CREATE INDEX ix_token_issue_counts_client_hour ON token_issue_counts (client_id, bucket_hour);

CREATE TABLE statistics_rollups (
    name          varchar(40)  PRIMARY KEY,
    rolled_up_to  timestamptz  NULL
);
INSERT INTO statistics_rollups (name) VALUES ('token_issue_counts');

-- The dashboard's lockouts per hour and day: stops are few, the audit trail is large (a row per data read).
CREATE INDEX ix_audit_events_customer_stopped ON audit_events (occurred_at) WHERE event_type = 'customer_stopped';
