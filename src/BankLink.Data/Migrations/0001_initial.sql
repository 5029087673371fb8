-- BankLink's first schema: customers and their OTP tokens, providers and their chained recipients,
-- Data Protection keys, and the demo ledger (the embedded stand-in for the core banking system).
-- Scripts are append-only: never edit this file once applied; add 0002_... instead.

-- Providers (API連携事業者): fintech organisations that customers may allow to read their data.
CREATE TABLE providers (
    id              uuid          PRIMARY KEY,
    name            varchar(200)  NOT NULL,
    name_ja         varchar(200)  NOT NULL,
    description     varchar(1000) NOT NULL,
    description_ja  varchar(1000) NOT NULL,
    website         varchar(500)  NULL,
    status          varchar(20)   NOT NULL CHECK (status IN ('active', 'suspended')),
    is_sandbox      boolean       NOT NULL DEFAULT false,
    created_at      timestamptz   NOT NULL,
    CONSTRAINT uq_providers_name UNIQUE (name)
);

-- Chained recipients (連鎖接続先): third parties a provider passes data on to; named on the consent screen.
CREATE TABLE chained_recipients (
    id          uuid          PRIMARY KEY,
    provider_id uuid          NOT NULL REFERENCES providers (id) ON DELETE RESTRICT,
    name        varchar(200)  NOT NULL,
    name_ja     varchar(200)  NOT NULL,
    purpose     varchar(500)  NOT NULL,
    purpose_ja  varchar(500)  NOT NULL,
    created_at  timestamptz   NOT NULL,
    CONSTRAINT uq_chained_recipients_provider_name UNIQUE (provider_id, name)
);

-- Customers (お客さま) as the login side knows them. Accounts live in the core (ledger schema),
-- joined by customer_number. Passwords and confirmation PINs are stored only as PBKDF2 hashes.
CREATE TABLE customers (
    id                      uuid          PRIMARY KEY,
    customer_number         varchar(10)   NOT NULL,
    login_id                varchar(64)   NOT NULL,
    display_name            varchar(100)  NOT NULL,
    display_name_kana       varchar(100)  NOT NULL,
    password_hash           varchar(200)  NOT NULL,
    confirmation_pin_hash   varchar(200)  NOT NULL,
    status                  varchar(20)   NOT NULL CHECK (status IN ('active', 'stopped')),
    consecutive_failures    integer       NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    is_synthetic            boolean       NOT NULL DEFAULT false,
    created_at              timestamptz   NOT NULL,
    CONSTRAINT uq_customers_customer_number UNIQUE (customer_number),
    CONSTRAINT uq_customers_login_id UNIQUE (login_id)
);

-- OTP tokens (トークン): software tokens get a serial when enrolled, hardware ones have it printed.
-- The TOTP seed is a key, not a password: it must be usable to check codes, so it is stored
-- encrypted with ASP.NET Core Data Protection (keys in data_protection_keys), never in clear.
CREATE TABLE otp_devices (
    id               uuid         PRIMARY KEY,
    customer_id      uuid         NULL REFERENCES customers (id) ON DELETE RESTRICT,
    kind             varchar(10)  NOT NULL CHECK (kind IN ('software', 'hardware')),
    serial_number    char(10)     NOT NULL CHECK (serial_number ~ '^[0-9]{10}$'),
    protected_seed   text         NOT NULL,
    status           varchar(20)  NOT NULL CHECK (status IN ('in_stock', 'pending', 'active', 'retired')),
    last_used_step   bigint       NULL,
    registered_at    timestamptz  NULL,
    created_at       timestamptz  NOT NULL,
    CONSTRAINT uq_otp_devices_serial_number UNIQUE (serial_number)
);
CREATE INDEX ix_otp_devices_customer ON otp_devices (customer_id) WHERE customer_id IS NOT NULL;

-- ASP.NET Core Data Protection key ring, shared by every node.
CREATE TABLE data_protection_keys (
    id            serial        PRIMARY KEY,
    friendly_name varchar(200)  NOT NULL,
    xml           text          NOT NULL,
    created_at    timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT uq_data_protection_keys_friendly_name UNIQUE (friendly_name)
);

-- The demo ledger: what the core banking system would hold. BankLink reads it only through
-- ICoreBankingGateway, exactly as it would read a real core over HTTP.
CREATE SCHEMA ledger;

CREATE TABLE ledger.branches (
    code     char(3)      PRIMARY KEY CHECK (code ~ '^[0-9]{3}$'),
    name     varchar(50)  NOT NULL,
    name_en  varchar(100) NOT NULL
);

-- Amounts are integer yen (DOMAIN.md). For deposits the balance is what the customer holds; for a
-- card loan it is the outstanding loan, never above the credit limit.
CREATE TABLE ledger.accounts (
    id                 uuid         PRIMARY KEY,
    customer_number    varchar(10)  NOT NULL,
    branch_code        char(3)      NOT NULL REFERENCES ledger.branches (code) ON DELETE RESTRICT,
    kind               varchar(20)  NOT NULL CHECK (kind IN ('ordinary', 'savings', 'card_loan', 'time_deposit')),
    account_number     char(7)      NOT NULL CHECK (account_number ~ '^[0-9]{7}$'),
    product_name       varchar(50)  NOT NULL,
    status             varchar(10)  NOT NULL CHECK (status IN ('open', 'frozen', 'closed')),
    has_pin_card       boolean      NOT NULL,
    opened_on          date         NOT NULL,
    closed_on          date         NULL CHECK ((status = 'closed') = (closed_on IS NOT NULL)),
    opening_balance    bigint       NOT NULL,
    balance            bigint       NOT NULL,
    credit_limit       bigint       NULL,
    annual_rate_bp     integer      NOT NULL CHECK (annual_rate_bp >= 0),
    balance_as_of      timestamptz  NOT NULL,
    CONSTRAINT uq_ledger_accounts_number UNIQUE (branch_code, account_number),
    CONSTRAINT ck_ledger_accounts_credit_limit CHECK ((kind = 'card_loan') = (credit_limit IS NOT NULL)),
    CONSTRAINT ck_ledger_accounts_card_loan_within_limit CHECK (kind <> 'card_loan' OR balance BETWEEN 0 AND credit_limit),
    CONSTRAINT ck_ledger_accounts_deposit_not_negative CHECK (kind = 'card_loan' OR balance >= 0)
);
CREATE INDEX ix_ledger_accounts_customer ON ledger.accounts (customer_number);

-- Transaction history (入出金明細). seq grows with booking order per account, which gives the
-- keyset that history pages walk (ARCHITECTURE.md "Data"). direction is from the account's point
-- of view: 'credit' = money in (deposit, loan repayment), 'debit' = money out (withdrawal, loan draw,
-- loan interest). Cost per page does not depend on the account's history length: (account_id, seq).
CREATE TABLE ledger.transactions (
    account_id     uuid         NOT NULL REFERENCES ledger.accounts (id) ON DELETE RESTRICT,
    seq            integer      NOT NULL CHECK (seq > 0),
    booking_date   date         NOT NULL,
    value_date     date         NOT NULL,
    amount         bigint       NOT NULL CHECK (amount > 0),
    direction      varchar(6)   NOT NULL CHECK (direction IN ('credit', 'debit')),
    balance_after  bigint       NOT NULL,
    description    varchar(48)  NOT NULL,
    type           varchar(24)  NOT NULL,
    PRIMARY KEY (account_id, seq)
);
