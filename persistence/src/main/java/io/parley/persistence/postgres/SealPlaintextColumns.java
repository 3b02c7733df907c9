package io.parley.persistence.postgres;

import io.parley.persistence.encryption.FieldEncryption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import org.jspecify.annotations.Nullable;

/**
 * Migration V13, between V12 (sealed twins next to the plaintext columns) and V14 (plaintext dropped):
 * seals every plaintext value of a database written before encryption at rest, and computes the blind
 * indexes, page by page in Flyway's transaction (all or nothing: a crash leaves V12's state and the next
 * start does it again). Without a keyset it succeeds only when there is nothing to seal (a new database).
 */
final class SealPlaintextColumns implements JavaMigration {
    private static final int PAGE = 1000;

    private final @Nullable FieldCodec fields;

    SealPlaintextColumns(@Nullable FieldEncryption encryption) {
        this.fields = encryption == null ? null : new FieldCodec(encryption);
    }

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("13");
    }

    @Override
    public String getDescription() {
        return "seal plaintext columns";
    }

    @Override
    public @Nullable Integer getChecksum() {
        return null;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection db = context.getConnection();
        FieldCodec codec = fields;
        if (codec == null) {
            if (holdsPlaintext(db)) {
                throw new IllegalStateException("the database holds values written before encryption at rest: "
                        + "migrate it with the field-encryption keysets configured (parley.encryption.*)");
            }
            return;
        }
        sealEvents(db, codec);
        sealVisitors(db, codec);
        sealById(db, codec, Sealed.BOT_OPENAI_API_KEY, "openai_api_key_plaintext");
        sealById(db, codec, Sealed.OPERATOR_EMAIL, "email_plaintext");
        sealById(db, codec, Sealed.INVITE_EMAIL, "email_plaintext");
        sealIdentitySecrets(db, codec);
        sealMagicLinks(db, codec);
        sealOperatorIdentities(db, codec);
    }

    private static boolean holdsPlaintext(Connection db) throws SQLException {
        try (Statement query = db.createStatement(); ResultSet found = query.executeQuery("""
                SELECT EXISTS (SELECT 1 FROM events WHERE text_plaintext IS NOT NULL)
                    OR EXISTS (SELECT 1 FROM visitors WHERE external_id_plaintext IS NOT NULL
                                  OR email_plaintext IS NOT NULL OR name_plaintext IS NOT NULL
                                  OR phone_plaintext IS NOT NULL OR ip_address_plaintext IS NOT NULL)
                    OR EXISTS (SELECT 1 FROM bots WHERE openai_api_key_plaintext IS NOT NULL)
                    OR EXISTS (SELECT 1 FROM bot_identity_secrets)
                    OR EXISTS (SELECT 1 FROM operators WHERE email_plaintext IS NOT NULL)
                    OR EXISTS (SELECT 1 FROM operator_identities)
                    OR EXISTS (SELECT 1 FROM invites)
                    OR EXISTS (SELECT 1 FROM magic_links)""")) {
            found.next();
            return found.getBoolean(1);
        }
    }

    private static void sealEvents(Connection db, FieldCodec fields) throws SQLException {
        String[] after = {""};
        long[] afterSeq = {0};
        try (PreparedStatement select = db.prepareStatement("""
                     SELECT conversation_id, seq, text_plaintext FROM events
                      WHERE text_plaintext IS NOT NULL AND (conversation_id, seq) > (?, ?)
                      ORDER BY conversation_id, seq LIMIT ?""");
             PreparedStatement update = db.prepareStatement(
                     "UPDATE events SET text = ? WHERE conversation_id = ? AND seq = ?")) {
            inPages(select, update,
                    next -> {
                        next.setString(1, after[0]);
                        next.setLong(2, afterSeq[0]);
                        next.setInt(3, PAGE);
                    },
                    (row, sealed) -> {
                        after[0] = row.getString(1);
                        afterSeq[0] = row.getLong(2);
                        sealed.setBytes(1, fields.seal(Sealed.EVENT_TEXT, row.getString(3), after[0], afterSeq[0]));
                        sealed.setString(2, after[0]);
                        sealed.setLong(3, afterSeq[0]);
                    });
        }
    }

    private static void sealVisitors(Connection db, FieldCodec fields) throws SQLException {
        String[] after = {""};
        try (PreparedStatement select = db.prepareStatement("""
                     SELECT id, workspace_id, external_id_plaintext, email_plaintext, name_plaintext, phone_plaintext,
                            ip_address_plaintext
                       FROM visitors
                      WHERE (external_id_plaintext IS NOT NULL OR email_plaintext IS NOT NULL
                             OR name_plaintext IS NOT NULL OR phone_plaintext IS NOT NULL
                             OR ip_address_plaintext IS NOT NULL) AND id > ?
                      ORDER BY id LIMIT ?""");
             PreparedStatement update = db.prepareStatement("""
                     UPDATE visitors SET external_id = ?, external_id_index = ?, email = ?, email_index = ?, name = ?,
                                         phone = ?, ip_address = ?
                      WHERE id = ?""")) {
            inPages(select, update, next -> afterId(next, after[0]), (row, sealed) -> {
                String id = row.getString("id");
                after[0] = id;
                String workspace = row.getString("workspace_id");
                String externalId = row.getString("external_id_plaintext");
                String email = row.getString("email_plaintext");
                setBytes(sealed, 1, fields.sealNullable(Sealed.VISITOR_EXTERNAL_ID, externalId, id));
                setBytes(sealed, 2, fields.indexNullable(BlindIndexed.VISITOR_EXTERNAL_ID, workspace, externalId));
                setBytes(sealed, 3, fields.sealNullable(Sealed.VISITOR_EMAIL, email, id));
                setBytes(sealed, 4, fields.indexNullable(BlindIndexed.VISITOR_EMAIL, workspace, email));
                setBytes(sealed, 5, fields.sealNullable(Sealed.VISITOR_NAME, row.getString("name_plaintext"), id));
                setBytes(sealed, 6, fields.sealNullable(Sealed.VISITOR_PHONE, row.getString("phone_plaintext"), id));
                setBytes(sealed, 7, fields.sealNullable(Sealed.VISITOR_IP_ADDRESS, row.getString("ip_address_plaintext"),
                        id));
                sealed.setString(8, id);
            });
        }
    }

    /** A text column of a table keyed by a text {@code id}. */
    private static void sealById(Connection db, FieldCodec fields, Sealed column, String plaintextColumn)
            throws SQLException {
        String[] after = {""};
        try (PreparedStatement select = db.prepareStatement("SELECT id, " + plaintextColumn + " FROM " + column.table
                + " WHERE " + plaintextColumn + " IS NOT NULL AND id > ? ORDER BY id LIMIT ?");
             PreparedStatement update = db.prepareStatement("UPDATE " + column.table + " SET " + column.column
                     + " = ? WHERE id = ?")) {
            inPages(select, update, next -> afterId(next, after[0]), (row, sealed) -> {
                after[0] = row.getString(1);
                sealed.setBytes(1, fields.seal(column, row.getString(2), after[0]));
                sealed.setString(2, after[0]);
            });
        }
    }

    private static void afterId(PreparedStatement select, String after) throws SQLException {
        select.setString(1, after);
        select.setInt(2, PAGE);
    }

    /** Sets the select's bounds: after the last row of the page before (keyset pagination), at most a page. */
    private interface NextPage {
        void bind(PreparedStatement select) throws SQLException;
    }

    /** Remembers the row as the last one read and sets the update's parameters that seal it. */
    private interface SealRow {
        void seal(ResultSet row, PreparedStatement update) throws SQLException;
    }

    /** Seals page after page until one is not full; each page's updates go to the database as one batch. */
    private static void inPages(PreparedStatement select, PreparedStatement update, NextPage nextPage, SealRow sealRow)
            throws SQLException {
        int rows;
        do {
            nextPage.bind(select);
            rows = 0;
            try (ResultSet page = select.executeQuery()) {
                while (page.next()) {
                    rows++;
                    sealRow.seal(page, update);
                    update.addBatch();
                }
            }
            update.executeBatch();
        } while (rows == PAGE);
    }

    private static void sealIdentitySecrets(Connection db, FieldCodec fields) throws SQLException {
        List<Object[]> rows = selectAll(db, "SELECT id, secret_plaintext FROM bot_identity_secrets");
        try (PreparedStatement update = db.prepareStatement("UPDATE bot_identity_secrets SET secret = ? WHERE id = ?")) {
            for (Object[] row : rows) {
                String id = (String) row[0];
                update.setBytes(1, fields.sealBytes(Sealed.IDENTITY_SECRET, (byte[]) row[1], id));
                update.setString(2, id);
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    private static void sealMagicLinks(Connection db, FieldCodec fields) throws SQLException {
        // links live 15 minutes: few rows, in one read
        List<Object[]> rows = selectAll(db, "SELECT token_hash, email_plaintext FROM magic_links");
        try (PreparedStatement update = db.prepareStatement("UPDATE magic_links SET email = ? WHERE token_hash = ?")) {
            for (Object[] row : rows) {
                byte[] tokenHash = (byte[]) row[0];
                update.setBytes(1, fields.seal(Sealed.MAGIC_LINK_EMAIL, (String) row[1], (Object) tokenHash));
                update.setBytes(2, tokenHash);
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    private static void sealOperatorIdentities(Connection db, FieldCodec fields) throws SQLException {
        List<Object[]> rows = selectAll(db, "SELECT issuer, subject_plaintext FROM operator_identities");
        try (PreparedStatement update = db.prepareStatement("""
                UPDATE operator_identities SET subject = ?, subject_index = ?
                 WHERE issuer = ? AND subject_plaintext = ?""")) {
            for (Object[] row : rows) {
                String issuer = (String) row[0];
                String subject = (String) row[1];
                byte[] index = fields.index(BlindIndexed.OPERATOR_SUBJECT, issuer, subject);
                update.setBytes(1, fields.seal(Sealed.OPERATOR_IDENTITY_SUBJECT, subject, issuer, index));
                update.setBytes(2, index);
                update.setString(3, issuer);
                update.setString(4, subject);
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    /** Tables that stay small (one row per operator, bot secret or pending link). */
    private static List<Object[]> selectAll(Connection db, String sql) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        try (Statement query = db.createStatement(); ResultSet result = query.executeQuery(sql)) {
            while (result.next()) {
                rows.add(new Object[] {result.getObject(1), result.getObject(2)});
            }
        }
        return rows;
    }

    private static void setBytes(PreparedStatement statement, int index, byte @Nullable [] value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BINARY);
        } else {
            statement.setBytes(index, value);
        }
    }
}
