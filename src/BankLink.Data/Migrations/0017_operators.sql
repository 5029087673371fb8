-- Issue 6: operator accounts (bank staff, never customers) for the console, and the API keys the bank's own tools
-- use on the admin API. Nobody ships with a default password: no operator is seeded; the first admin is created
-- by the `operators create-admin` command with a generated password and TOTP seed printed once.

-- Login IDs are lower case so "Admin" and "admin" cannot be two people. The password is stored only as a PBKDF2
-- hash (SecretHasher); the TOTP seed is a key that must be usable to check codes, so it is stored encrypted with
-- ASP.NET Core Data Protection (a purpose of its own, not the customers' OTP seeds'), never in clear.
-- last_totp_step: RFC 6238 §5.2, a code is accepted once; a code of this step or an earlier one is refused.
-- stopped = locked after consecutive failures; disabled = switched off by an admin. Only an admin re-activates either.
-- password_changed_at doubles as the credential stamp of console sessions: a reset ends every open session.
CREATE TABLE operators (
    id                    uuid          PRIMARY KEY,
    login_id              varchar(32)   NOT NULL CHECK (login_id ~ '^[a-z0-9._-]{3,32}$'),
    display_name          varchar(100)  NOT NULL CHECK (length(btrim(display_name)) > 0),
    role                  varchar(10)   NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    status                varchar(10)   NOT NULL CHECK (status IN ('active', 'stopped', 'disabled')),
    password_hash         varchar(200)  NOT NULL,
    protected_totp_seed   text          NOT NULL,
    last_totp_step        bigint        NULL,
    consecutive_failures  integer       NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    status_changed_at     timestamptz   NULL,
    created_at            timestamptz   NOT NULL,
    created_by            varchar(200)  NOT NULL,
    last_login_at         timestamptz   NULL,
    password_changed_at   timestamptz   NOT NULL,
    CONSTRAINT uq_operators_login_id UNIQUE (login_id)
);
-- "Is there an active admin?" (create-admin, and refusing to remove the last one).
CREATE INDEX ix_operators_active_admins ON operators (id) WHERE role = 'admin' AND status = 'active';

-- Admin API keys: `blak_` + 32 random bytes in base64url, shown once; only SHA-256 of the whole key is stored
-- (a 256-bit random value needs no slow hash, ARCHITECTURE.md "Tokens"). A key acts as its operator, with the
-- operator's current role and status, so disabling the operator stops its keys at once.
CREATE TABLE operator_api_keys (
    id            uuid          PRIMARY KEY,
    operator_id   uuid          NOT NULL REFERENCES operators (id) ON DELETE RESTRICT,
    name          varchar(100)  NOT NULL CHECK (length(btrim(name)) > 0),
    key_hash      bytea         NOT NULL CHECK (length(key_hash) = 32),
    created_at    timestamptz   NOT NULL,
    created_by    varchar(200)  NOT NULL,
    expires_at    timestamptz   NOT NULL CHECK (expires_at > created_at),
    revoked_at    timestamptz   NULL,
    last_used_at  timestamptz   NULL,
    CONSTRAINT uq_operator_api_keys_key_hash UNIQUE (key_hash)
);
CREATE INDEX ix_operator_api_keys_operator ON operator_api_keys (operator_id, created_at DESC);
