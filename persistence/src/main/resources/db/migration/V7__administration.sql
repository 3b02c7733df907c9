-- Workspace administration: visitors' personal data (set from a verified identity), the workspace of
-- each audit event (for reading the log by workspace), invitations, and API-key rotation.

ALTER TABLE visitors
    ADD COLUMN external_id text CHECK (length(external_id) BETWEEN 1 AND 256),
    ADD COLUMN email       text CHECK (length(email) BETWEEN 3 AND 320),
    ADD COLUMN name        text CHECK (length(name) BETWEEN 1 AND 200),
    ADD COLUMN phone       text CHECK (length(phone) BETWEEN 1 AND 64),
    ADD COLUMN ip_address  text CHECK (length(ip_address) BETWEEN 2 AND 64),
    ADD COLUMN verified    boolean NOT NULL DEFAULT false;

CREATE INDEX visitors_workspace_id_created_at ON visitors (workspace_id, created_at, id);

-- Filled from the event's "workspace" detail, which the hash covers; the column only serves look-ups.
ALTER TABLE audit_events ADD COLUMN workspace_id text;
CREATE INDEX audit_events_workspace_id_id ON audit_events (workspace_id, id);

-- An invitation to join a workspace with a role, redeemed once by an operator signed in with its e-mail.
CREATE TABLE invites (
    id           text        PRIMARY KEY CHECK (id ~ '^inv_[A-Za-z0-9_-]{1,64}$'),
    workspace_id text        NOT NULL REFERENCES workspaces (id),
    email        text        NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
    role         text        NOT NULL CHECK (role IN ('owner', 'manager', 'agent', 'viewer')),
    token_hash   bytea       NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    invited_by   text        NOT NULL REFERENCES operators (id),
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    accepted_at  timestamptz,
    accepted_by  text        REFERENCES operators (id),
    revoked_at   timestamptz
);

CREATE INDEX invites_workspace_id_created_at ON invites (workspace_id, created_at, id);

-- A rotated key names its successor; the old key stays valid until its (shortened) expires_at.
ALTER TABLE api_keys ADD COLUMN rotated_to text REFERENCES api_keys (id);
