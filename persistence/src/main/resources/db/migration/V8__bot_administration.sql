-- Bot administration: OpenAI-compatible responders, archiving, and who may connect moves from each
-- widget key to its bot (a bot's keys differ only in being separately revocable).

ALTER TABLE bots DROP CONSTRAINT bots_responder_check;
ALTER TABLE bots ADD CONSTRAINT bots_responder_check CHECK (responder IN ('knowledge_base', 'synthetic', 'openai'));

ALTER TABLE bots
    ADD COLUMN openai_base_url      text CHECK (length(openai_base_url) BETWEEN 1 AND 2000),
    ADD COLUMN openai_model         text CHECK (length(openai_model) BETWEEN 1 AND 200),
    -- Stored as given for now; issue 7 encrypts it at rest. Never returned by the API (write-only).
    ADD COLUMN openai_api_key       text CHECK (length(openai_api_key) BETWEEN 1 AND 1000),
    ADD COLUMN allowed_origins      text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN allow_native_clients boolean     NOT NULL DEFAULT false,
    ADD COLUMN archived_at          timestamptz,
    ADD CONSTRAINT bots_openai_configured
        CHECK (responder <> 'openai' OR (openai_base_url IS NOT NULL AND openai_model IS NOT NULL));

-- Each bot allows what any of its keys allowed: the union of their origins, native clients if any did.
UPDATE bots b
   SET allowed_origins = COALESCE((SELECT array_agg(DISTINCT origin ORDER BY origin)
                                     FROM widget_keys k, unnest(k.allowed_origins) AS origin
                                    WHERE k.bot_id = b.id), '{}'),
       allow_native_clients = COALESCE((SELECT bool_or(k.allow_native_clients)
                                          FROM widget_keys k WHERE k.bot_id = b.id), false);

ALTER TABLE widget_keys
    DROP COLUMN allowed_origins,
    DROP COLUMN allow_native_clients;

CREATE INDEX bots_workspace_id_created_at ON bots (workspace_id, created_at, id) WHERE archived_at IS NULL;
CREATE INDEX widget_keys_bot_id_created_at ON widget_keys (bot_id, created_at, key);
CREATE INDEX knowledge_entries_bot_id_created_at ON knowledge_entries (bot_id, created_at, id);
