-- Operators (the people who work in Parley), how they log in, their roles in workspaces, and the
-- single-use secrets of passwordless login. No password is stored anywhere: operators are keyed by
-- (issuer, subject), never by e-mail alone, and login tokens are stored as hashes only.

-- email is stored trimmed and lower-cased and is not unique: two issuers may vouch for one address.
-- session_version grows whenever every session of the operator must end (tokens carry the version).
CREATE TABLE operators (
    id              text        PRIMARY KEY CHECK (id ~ '^o_[A-Za-z0-9_-]{1,64}$'),
    email           text        CHECK (email <> ''),
    display_name    text        NOT NULL,
    disabled        boolean     NOT NULL DEFAULT false,
    session_version bigint      NOT NULL DEFAULT 0 CHECK (session_version >= 0),
    created_at      timestamptz NOT NULL
);

-- OIDC: the issuer URL and the sub claim; magic links: 'parley:magic-link' and the normalised e-mail.
CREATE TABLE operator_identities (
    issuer      text        NOT NULL CHECK (issuer <> ''),
    subject     text        NOT NULL CHECK (subject <> ''),
    operator_id text        NOT NULL REFERENCES operators (id),
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (issuer, subject)
);

-- One role per operator and workspace.
CREATE TABLE memberships (
    operator_id  text        NOT NULL REFERENCES operators (id),
    workspace_id text        NOT NULL REFERENCES workspaces (id),
    role         text        NOT NULL CHECK (role IN ('owner', 'manager', 'agent', 'viewer')),
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (operator_id, workspace_id)
);

-- the members of a workspace (the PRIMARY KEY serves an operator's memberships)
CREATE INDEX memberships_workspace_id ON memberships (workspace_id);

-- A redemption sets used_at in one conditional UPDATE, so of racing redemptions exactly one wins.
CREATE TABLE magic_links (
    token_hash bytea       PRIMARY KEY CHECK (octet_length(token_hash) BETWEEN 16 AND 64),
    email      text        NOT NULL CHECK (email <> ''),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);

-- A login starts a family of rotating refresh tokens; revoking the family ends every token in it,
-- including tokens stored into it later.
CREATE TABLE refresh_token_families (
    family_id   text        PRIMARY KEY CHECK (family_id ~ '^[A-Za-z0-9_-]{1,128}$'),
    operator_id text        NOT NULL REFERENCES operators (id),
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    UNIQUE (family_id, operator_id)
);

CREATE TABLE refresh_tokens (
    token_hash      bytea       PRIMARY KEY CHECK (octet_length(token_hash) BETWEEN 16 AND 64),
    family_id       text        NOT NULL,
    operator_id     text        NOT NULL,
    session_version bigint      NOT NULL CHECK (session_version >= 0),
    issued_at       timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    used_at         timestamptz,
    -- a token belongs to its family's operator
    FOREIGN KEY (family_id, operator_id) REFERENCES refresh_token_families (family_id, operator_id)
);
