-- Server-wide secrets every node must share (the pairwise subject key, OIDC Core §8.1), created once by
-- whichever node needs one first and stored only encrypted with the Data Protection key ring.
CREATE TABLE server_secrets (
    name             varchar(64)  PRIMARY KEY,
    protected_value  text         NOT NULL,
    created_at       timestamptz  NOT NULL
);
