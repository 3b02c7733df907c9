-- Tenancy: workspaces own bots; a public widget key points at one bot.

CREATE TABLE workspaces (
    id         text        PRIMARY KEY CHECK (id ~ '^w_[A-Za-z0-9_-]{1,64}$'),
    name       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A rate limit is (permits, window_ms); permits = 0 means unlimited.
CREATE TABLE bots (
    id                               text        PRIMARY KEY CHECK (id ~ '^b_[A-Za-z0-9_-]{1,64}$'),
    workspace_id                     text        NOT NULL REFERENCES workspaces (id),
    name                             text        NOT NULL,
    greeting                         text        NOT NULL,
    responder                        text        NOT NULL CHECK (responder IN ('knowledge_base', 'synthetic')),
    synthetic_tokens                 integer     NOT NULL DEFAULT 50 CHECK (synthetic_tokens > 0),
    synthetic_tokens_per_second      integer     NOT NULL DEFAULT 20 CHECK (synthetic_tokens_per_second > 0),
    messages_per_visitor_permits     integer     NOT NULL DEFAULT 20 CHECK (messages_per_visitor_permits >= 0),
    messages_per_visitor_window_ms   bigint      NOT NULL DEFAULT 10000 CHECK (messages_per_visitor_window_ms >= 0),
    messages_per_key_ip_permits      integer     NOT NULL DEFAULT 600 CHECK (messages_per_key_ip_permits >= 0),
    messages_per_key_ip_window_ms    bigint      NOT NULL DEFAULT 60000 CHECK (messages_per_key_ip_window_ms >= 0),
    connections_per_key_ip_permits   integer     NOT NULL DEFAULT 30 CHECK (connections_per_key_ip_permits >= 0),
    connections_per_key_ip_window_ms bigint      NOT NULL DEFAULT 60000 CHECK (connections_per_key_ip_window_ms >= 0),
    created_at                       timestamptz NOT NULL DEFAULT now(),
    CHECK (messages_per_visitor_permits = 0 OR messages_per_visitor_window_ms > 0),
    CHECK (messages_per_key_ip_permits = 0 OR messages_per_key_ip_window_ms > 0),
    CHECK (connections_per_key_ip_permits = 0 OR connections_per_key_ip_window_ms > 0)
);

CREATE INDEX bots_workspace_id ON bots (workspace_id);

CREATE TABLE widget_keys (
    key                  text        PRIMARY KEY CHECK (key ~ '^[A-Za-z0-9_-]{1,128}$'),
    bot_id               text        NOT NULL REFERENCES bots (id),
    allowed_origins      text[]      NOT NULL DEFAULT '{}',
    allow_native_clients boolean     NOT NULL DEFAULT false,
    enabled              boolean     NOT NULL DEFAULT true,
    created_at           timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX widget_keys_bot_id ON widget_keys (bot_id);
