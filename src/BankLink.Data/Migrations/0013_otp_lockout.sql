-- Issue 4: one-time passwords and lockout (利用中止), DOMAIN.md "Proving who the customer is".

-- A software token waits for the customer's first code for ten minutes; an unconfirmed one is never active.
ALTER TABLE otp_devices ADD COLUMN pending_expires_at timestamptz NULL;
ALTER TABLE otp_devices ADD CONSTRAINT ck_otp_devices_pending_expiry
    CHECK ((status = 'pending') = (pending_expires_at IS NOT NULL));
-- Login checks a customer's active tokens on every attempt.
CREATE INDEX ix_otp_devices_customer_active ON otp_devices (customer_id) WHERE status = 'active';

-- When the customer was stopped: operators see it, and many stops close together raise an alert
-- (someone stopping customers on purpose).
ALTER TABLE customers ADD COLUMN stopped_at timestamptz NULL;
CREATE INDEX ix_customers_stopped_at ON customers (stopped_at) WHERE status = 'stopped';

-- Failed login attempts per client address in fixed windows, shared by every node. The address is stored
-- only as an HMAC with a server secret: the table is a counter, not a log of who connected.
CREATE TABLE login_throttle (
    address_hash  bytea        NOT NULL,
    window_start  timestamptz  NOT NULL,
    failures      integer      NOT NULL CHECK (failures > 0),
    PRIMARY KEY (address_hash, window_start)
);
CREATE INDEX ix_login_throttle_window_start ON login_throttle (window_start);
