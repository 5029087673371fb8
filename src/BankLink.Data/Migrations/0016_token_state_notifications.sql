-- Revocation reaches every node at once (ARCHITECTURE.md "Nodes are stateless": an in-process cache only where
-- staleness is bounded and revocation still takes effect on every node at once, LISTEN/NOTIFY the broadcast).
-- Every change that can stop an access token notifies channel banklink_token_state, from the database itself, so
-- no code path that ends a token, a grant, a client or a provider can forget to. PostgreSQL sends a transaction's
-- notifications when it commits, in commit order, and folds identical ones of one transaction into one.
-- Payloads: token:<id>, grant:<id>, client:<client_id>, provider:<id>.
CREATE FUNCTION notify_token_state() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    subject text;
BEGIN
    -- One branch per table: PL/pgSQL resolves a record's fields only on the branch taken.
    IF TG_TABLE_NAME = 'tokens' THEN
        subject := 'token:' || NEW.id;
    ELSIF TG_TABLE_NAME = 'grants' THEN
        subject := 'grant:' || NEW.id;
    ELSIF TG_TABLE_NAME = 'grant_accounts' AND TG_OP = 'DELETE' THEN
        subject := 'grant:' || OLD.grant_id;
    ELSIF TG_TABLE_NAME = 'grant_accounts' THEN
        subject := 'grant:' || NEW.grant_id;
    ELSIF TG_TABLE_NAME = 'clients' AND TG_OP = 'DELETE' THEN
        subject := 'client:' || OLD.client_id;
    ELSIF TG_TABLE_NAME = 'clients' THEN
        subject := 'client:' || NEW.client_id;
    ELSIF TG_TABLE_NAME = 'providers' THEN
        subject := 'provider:' || NEW.id;
    END IF;
    PERFORM pg_notify('banklink_token_state', subject);
    RETURN NULL;
END $$;

-- Only access tokens are cached; codes and refresh tokens are always read from the table.
CREATE TRIGGER tr_tokens_state AFTER UPDATE ON tokens FOR EACH ROW
    WHEN (NEW.kind = 'access_token' AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.expires_at IS DISTINCT FROM NEW.expires_at))
    EXECUTE FUNCTION notify_token_state();
-- "last used" is written once a minute by every resource read and stops nothing: it does not notify.
CREATE TRIGGER tr_grants_state AFTER UPDATE ON grants FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.expires_at IS DISTINCT FROM NEW.expires_at OR OLD.scope IS DISTINCT FROM NEW.scope
          OR OLD.customer_id IS DISTINCT FROM NEW.customer_id OR OLD.provider_id IS DISTINCT FROM NEW.provider_id)
    EXECUTE FUNCTION notify_token_state();
CREATE TRIGGER tr_grant_accounts_state AFTER INSERT OR UPDATE OR DELETE ON grant_accounts FOR EACH ROW
    EXECUTE FUNCTION notify_token_state();
CREATE TRIGGER tr_clients_state AFTER UPDATE OR DELETE ON clients FOR EACH ROW
    EXECUTE FUNCTION notify_token_state();
CREATE TRIGGER tr_providers_state AFTER UPDATE ON providers FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION notify_token_state();
