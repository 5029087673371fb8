-- Transaction history pages walk (booking_date, seq) newest first inside a date range (the resource
-- API's from/to): this index serves that keyset whatever the history's length (ARCHITECTURE.md "Data").
CREATE INDEX ix_ledger_transactions_history ON ledger.transactions (account_id, booking_date DESC, seq DESC);
