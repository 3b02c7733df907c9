-- Encryption at rest (issue 7), step 1 of 3. Every protected column gets a bytea twin that will hold its
-- ciphertext (Tink: a 5-byte prefix naming the key, then AES256-GCM); the plaintext moves aside to
-- <column>_plaintext. V13 (Java: sealing needs the keyset) seals what is there; V14 drops the plaintext.
-- E-mails and subjects that are looked up also get a blind index (HMAC-SHA256 of the normalised value).

ALTER TABLE events RENAME COLUMN text TO text_plaintext;
ALTER TABLE events ADD COLUMN text bytea;

ALTER TABLE visitors RENAME COLUMN external_id TO external_id_plaintext;
ALTER TABLE visitors RENAME COLUMN email TO email_plaintext;
ALTER TABLE visitors RENAME COLUMN name TO name_plaintext;
ALTER TABLE visitors RENAME COLUMN phone TO phone_plaintext;
ALTER TABLE visitors RENAME COLUMN ip_address TO ip_address_plaintext;
ALTER TABLE visitors
    ADD COLUMN external_id       bytea,
    ADD COLUMN external_id_index bytea CHECK (octet_length(external_id_index) = 32),
    ADD COLUMN email             bytea,
    ADD COLUMN email_index       bytea CHECK (octet_length(email_index) = 32),
    ADD COLUMN name              bytea,
    ADD COLUMN phone             bytea,
    ADD COLUMN ip_address        bytea;

ALTER TABLE bots RENAME COLUMN openai_api_key TO openai_api_key_plaintext;
ALTER TABLE bots ADD COLUMN openai_api_key bytea;

ALTER TABLE bot_identity_secrets RENAME COLUMN secret TO secret_plaintext;
ALTER TABLE bot_identity_secrets ADD COLUMN secret bytea;

ALTER TABLE operators RENAME COLUMN email TO email_plaintext;
ALTER TABLE operators ADD COLUMN email bytea;

ALTER TABLE operator_identities RENAME COLUMN subject TO subject_plaintext;
ALTER TABLE operator_identities
    ADD COLUMN subject       bytea,
    ADD COLUMN subject_index bytea CHECK (octet_length(subject_index) = 32);

ALTER TABLE invites RENAME COLUMN email TO email_plaintext;
ALTER TABLE invites ADD COLUMN email bytea;

ALTER TABLE magic_links RENAME COLUMN email TO email_plaintext;
ALTER TABLE magic_links ADD COLUMN email bytea;
