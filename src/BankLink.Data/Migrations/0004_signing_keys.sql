-- The authorization server's own signing keys (ID tokens; later other signed responses). One current key
-- per algorithm. The private JWK is stored only encrypted with the Data Protection key ring; the public
-- JWK is what jwks_uri publishes. A key is published from creation until expires_at, so every token it
-- signed can still be verified; it signs from active_from until retire_at.
CREATE TABLE signing_keys (
    kid                    varchar(64)   PRIMARY KEY,
    alg                    varchar(10)   NOT NULL CHECK (alg IN ('ES256', 'PS256', 'RS256')),
    public_jwk             jsonb         NOT NULL CHECK (jsonb_typeof(public_jwk) = 'object' AND NOT public_jwk ? 'd'),
    protected_private_jwk  text          NOT NULL,
    created_at             timestamptz   NOT NULL,
    active_from            timestamptz   NOT NULL,
    retire_at              timestamptz   NOT NULL CHECK (retire_at >= active_from),
    expires_at             timestamptz   NOT NULL CHECK (expires_at >= retire_at)
);
CREATE INDEX ix_signing_keys_alg_active ON signing_keys (alg, active_from DESC);
CREATE INDEX ix_signing_keys_published ON signing_keys (expires_at);
