-- Encryption at rest, step 3 of 3: V13 sealed every plaintext value, so the plaintext columns go (with
-- the constraints and indexes on them) and their successors get the same guarantees on the sealed columns.

ALTER TABLE events DROP COLUMN text_plaintext;
ALTER TABLE events
    ADD CONSTRAINT events_message_complete
        CHECK (kind <> 'message' OR (message_id IS NOT NULL AND author_role IS NOT NULL AND author_id IS NOT NULL
                                     AND author_name IS NOT NULL AND text IS NOT NULL AND handoff_state IS NULL)),
    ADD CONSTRAINT events_handoff_complete
        CHECK (kind <> 'handoff' OR (handoff_state IS NOT NULL AND message_id IS NULL AND client_msg_id IS NULL
                                     AND text IS NULL AND finish IS NULL));

ALTER TABLE visitors
    DROP COLUMN external_id_plaintext,
    DROP COLUMN email_plaintext,
    DROP COLUMN name_plaintext,
    DROP COLUMN phone_plaintext,
    DROP COLUMN ip_address_plaintext,
    ADD CONSTRAINT visitors_external_id_indexed CHECK ((external_id IS NULL) = (external_id_index IS NULL)),
    ADD CONSTRAINT visitors_email_indexed CHECK ((email IS NULL) = (email_index IS NULL));
-- A site user is one visitor per workspace, whichever device they chat from.
CREATE UNIQUE INDEX visitors_workspace_id_external_id_index ON visitors (workspace_id, external_id_index)
    WHERE external_id_index IS NOT NULL;
-- the search by e-mail
CREATE INDEX visitors_workspace_id_email_index ON visitors (workspace_id, email_index)
    WHERE email_index IS NOT NULL;

ALTER TABLE bots DROP COLUMN openai_api_key_plaintext;

ALTER TABLE bot_identity_secrets DROP COLUMN secret_plaintext;
ALTER TABLE bot_identity_secrets ALTER COLUMN secret SET NOT NULL;

ALTER TABLE operators DROP COLUMN email_plaintext;

-- The primary key moves from (issuer, subject) to (issuer, blind index of the subject).
ALTER TABLE operator_identities DROP COLUMN subject_plaintext;
ALTER TABLE operator_identities
    ALTER COLUMN subject SET NOT NULL,
    ALTER COLUMN subject_index SET NOT NULL,
    ADD PRIMARY KEY (issuer, subject_index);

ALTER TABLE invites DROP COLUMN email_plaintext;
ALTER TABLE invites ALTER COLUMN email SET NOT NULL;

ALTER TABLE magic_links DROP COLUMN email_plaintext;
ALTER TABLE magic_links ALTER COLUMN email SET NOT NULL;
