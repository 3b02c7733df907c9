-- Identity verification: sites sign their logged-in users' identities (HS256 JWTs) with a bot's identity
-- secret, and a bot may accept only visitors so verified.

-- At most two active secrets per bot (one more during rotation): an active secret holds slot 1 or 2,
-- and the unique index makes a third, or two created at once into one slot, fail in the database.
-- The secret is stored as is for now (HMAC needs the key itself); issue 7 encrypts it at rest.
CREATE TABLE bot_identity_secrets (
    id         text        PRIMARY KEY CHECK (id ~ '^is_[A-Za-z0-9_-]{1,64}$'),
    bot_id     text        NOT NULL REFERENCES bots (id),
    slot       smallint    NOT NULL CHECK (slot IN (1, 2)),
    secret     bytea       NOT NULL CHECK (octet_length(secret) = 32),
    created_at timestamptz NOT NULL,
    revoked_at timestamptz
);

CREATE UNIQUE INDEX bot_identity_secrets_active_slot ON bot_identity_secrets (bot_id, slot) WHERE revoked_at IS NULL;
CREATE INDEX bot_identity_secrets_bot_id_created_at ON bot_identity_secrets (bot_id, created_at, id);

ALTER TABLE bots ADD COLUMN verified_visitors_only boolean NOT NULL DEFAULT false;

-- A site user is one visitor per workspace, whichever device they chat from.
CREATE UNIQUE INDEX visitors_workspace_id_external_id ON visitors (workspace_id, external_id)
    WHERE external_id IS NOT NULL;
