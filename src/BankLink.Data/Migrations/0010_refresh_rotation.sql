-- Refresh token rotation (RFC 9700 §4.14.2), per client: a rotated token records when it was redeemed
-- and its successor the token it replaced, so a retry within the leeway can be told from a reuse.
ALTER TABLE tokens ADD COLUMN redeemed_at timestamptz NULL;
ALTER TABLE tokens ADD COLUMN previous_id uuid NULL REFERENCES tokens (id) ON DELETE RESTRICT;
CREATE INDEX ix_tokens_previous ON tokens (previous_id) WHERE previous_id IS NOT NULL;
