-- What a knowledge-base bot answers from, searched with PostgreSQL full-text search.

CREATE TABLE knowledge_entries (
    id         text        PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,128}$'),
    bot_id     text        NOT NULL REFERENCES bots (id),
    title      text        NOT NULL,
    body       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    search     tsvector    GENERATED ALWAYS AS (
                   setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')
               ) STORED
);

CREATE INDEX knowledge_entries_search ON knowledge_entries USING gin (search);
CREATE INDEX knowledge_entries_bot_id ON knowledge_entries (bot_id);
