-- Server API keys (sk_…). The key itself is never stored: key_hash is HMAC-SHA256 of it under a pepper
-- kept apart from the database, prefix its first 8 characters after "sk_", only for telling keys apart.
CREATE TABLE api_keys (
    id           text        PRIMARY KEY CHECK (id ~ '^ak_[A-Za-z0-9_-]{1,64}$'),
    workspace_id text        NOT NULL REFERENCES workspaces (id),
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    prefix       text        NOT NULL CHECK (prefix ~ '^[A-Za-z0-9_-]{8}$'),
    key_hash     bytea       NOT NULL UNIQUE CHECK (octet_length(key_hash) = 32),
    scopes       text[]      NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz,
    revoked_at   timestamptz
);

CREATE INDEX api_keys_workspace_id_created_at ON api_keys (workspace_id, created_at);
