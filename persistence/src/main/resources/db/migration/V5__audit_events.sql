-- Security events (logins, failures, lockouts, logouts …), append-only and hash-chained: each row's
-- hash covers the previous row's hash and its own content, so a changed or removed row breaks the chain.
CREATE TABLE audit_events (
    id             bigint      PRIMARY KEY,
    at             timestamptz NOT NULL,
    kind           text        NOT NULL CHECK (kind ~ '^[a-z_.]{1,64}$'),
    operator_id    text        REFERENCES operators (id),
    client_address text,
    details        text        NOT NULL,
    previous_hash  bytea       NOT NULL,
    hash           bytea       NOT NULL UNIQUE CHECK (octet_length(hash) = 32)
);

CREATE INDEX audit_events_operator_id_at ON audit_events (operator_id, at);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END $$;

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
