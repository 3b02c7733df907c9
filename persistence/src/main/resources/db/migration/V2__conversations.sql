-- Visitors, their conversations with bots, and the gap-free event log of each conversation.

CREATE TABLE visitors (
    id           text        PRIMARY KEY CHECK (id ~ '^v_[A-Za-z0-9_-]{1,64}$'),
    workspace_id text        NOT NULL REFERENCES workspaces (id),
    created_at   timestamptz NOT NULL
);

-- last_seq is the seq of the conversation's newest event; appenders lock this row to take the next one.
CREATE TABLE conversations (
    id             text        PRIMARY KEY CHECK (id ~ '^c_[A-Za-z0-9_-]{1,64}$'),
    workspace_id   text        NOT NULL REFERENCES workspaces (id),
    bot_id         text        NOT NULL REFERENCES bots (id),
    visitor_id     text        NOT NULL REFERENCES visitors (id),
    state          text        NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
    human_handling boolean     NOT NULL DEFAULT false,
    last_seq       bigint      NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    created_at     timestamptz NOT NULL,
    closed_at      timestamptz
);

-- At most one open conversation per (visitor, bot): concurrent openFor calls converge on one row.
CREATE UNIQUE INDEX conversations_one_open_per_visitor_and_bot
    ON conversations (visitor_id, bot_id) WHERE state = 'open';
CREATE INDEX conversations_bot_id ON conversations (bot_id);
CREATE INDEX conversations_workspace_id_created_at ON conversations (workspace_id, created_at);

CREATE TABLE events (
    conversation_id text        NOT NULL REFERENCES conversations (id),
    seq             bigint      NOT NULL CHECK (seq > 0),
    kind            text        NOT NULL CHECK (kind IN ('message', 'handoff')),
    message_id      text        UNIQUE CHECK (message_id ~ '^m_[A-Za-z0-9_-]{1,64}$'),
    client_msg_id   text        CHECK (client_msg_id ~ '^[A-Za-z0-9_-]{1,64}$'),
    author_role     text        CHECK (author_role IN ('visitor', 'bot', 'agent', 'system')),
    author_id       text,
    author_name     text,
    text            text,
    finish          text        CHECK (finish IN ('stop', 'cancelled', 'length', 'error', 'interrupted')),
    handoff_state   text        CHECK (handoff_state IN ('requested', 'assigned', 'released')),
    agent_name      text,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (conversation_id, seq),
    -- the same client message sent to any node is stored once
    CONSTRAINT events_conversation_client_msg_id_key UNIQUE (conversation_id, client_msg_id),
    CHECK (kind <> 'message' OR (message_id IS NOT NULL AND author_role IS NOT NULL AND author_id IS NOT NULL
                                 AND author_name IS NOT NULL AND text IS NOT NULL AND handoff_state IS NULL)),
    CHECK (kind <> 'handoff' OR (handoff_state IS NOT NULL AND message_id IS NULL AND client_msg_id IS NULL
                                 AND text IS NULL AND finish IS NULL))
);
