package io.parley.gateway.encryption;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.engine.RandomIds;
import io.parley.core.model.Author;
import io.parley.core.model.AuthorRole;
import io.parley.core.model.BotId;
import io.parley.core.model.ConversationId;
import io.parley.core.model.StoredEvent;
import io.parley.core.model.Visitor;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Clock;
import io.parley.gateway.testing.AdminData;
import io.parley.persistence.encryption.EncryptionKeyFiles;
import io.parley.persistence.encryption.FieldEncryption;
import io.parley.persistence.encryption.FieldKeysets;
import io.parley.persistence.postgres.PostgresAdapters;
import io.parley.persistence.testing.TestDatabase;
import io.parley.persistence.testing.TestKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rotation steps as an operator runs them, in-process, against the test database with keysets of its own. */
class EncryptionKeysCommandTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private record Run(int status, String out, String err) {
    }

    private static Run run(EncryptionKeyFiles files, String... words) {
        List<String> args = new ArrayList<>(List.of("admin", "encryption-keys"));
        args.addAll(List.of(words));
        args.add("--parley.database.r2dbc-url=" + TestDatabase.r2dbcUrl());
        args.add("--parley.database.jdbc-url=" + TestDatabase.jdbcUrl());
        args.add("--parley.database.username=" + TestDatabase.user());
        args.add("--parley.database.password=" + TestDatabase.password());
        args.add("--parley.encryption.keyset-file=" + files.fieldKeyset());
        args.add("--parley.encryption.blind-index-keyset-file=" + files.blindIndexKeyset());
        if (files.kek() != null) {
            args.add("--parley.encryption.kek-file=" + files.kek());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = EncryptionKeysCommand.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void addPromoteReencryptAndRetireMoveEveryValueToTheNewKeyAndRetireIsRefusedUntilThen() {
        EncryptionKeyFiles files = TestKeys.generate();
        FieldEncryption before = FieldEncryption.load(files);
        String oldKey = FieldKeysets.keyId(before.primaryKeyId());
        // a workspace of its own: values sealed with these keysets are met by no other test
        WorkspaceId workspace = new WorkspaceId("w_keys" + java.util.UUID.randomUUID().toString().replace("-", ""));
        AdminData.execute("INSERT INTO workspaces (id, name) VALUES (?, 'Keys')", workspace.value());
        BotId bot = new BotId(AdminData.bot(workspace.value()));
        PostgresAdapters writer = new PostgresAdapters(TestDatabase.connectionFactory(), Clock.system(), new RandomIds(),
                before);
        Visitor visitor = Objects.requireNonNull(writer.visitors().create(workspace).block(TIMEOUT));
        ConversationId conversation = Objects.requireNonNull(writer.conversations()
                .openFor(workspace, bot, visitor.id()).block(TIMEOUT)).id();
        for (int i = 0; i < 25; i++) {
            writer.messageLog().appendClientMessage(conversation, new RandomIds().messageId(),
                    new Author(AuthorRole.VISITOR, visitor.id().value(), "Visitor"), "k" + i, "rotated " + i).block(TIMEOUT);
        }

        Run status = run(files, "status");
        assertThat(status.status()).as(status.err()).isZero();
        assertThat(status.out()).contains("key " + oldKey + " (primary)").contains("events.text");

        Run add = run(files, "add");
        assertThat(add.status()).as(add.err()).isZero();
        Matcher added = Pattern.compile("added key (\\d+)").matcher(add.out());
        assertThat(added.find()).isTrue();
        String newKey = added.group(1);
        assertThat(add.out()).contains("promote " + newKey);

        Run retirePrimary = run(files, "retire", oldKey);
        assertThat(retirePrimary.status()).isEqualTo(1);
        assertThat(retirePrimary.err()).contains("is the primary key");

        assertThat(run(files, "promote", newKey).status()).isZero();
        Run retireInUse = run(files, "retire", oldKey);
        assertThat(retireInUse.status()).isEqualTo(1);
        assertThat(retireInUse.err()).contains("25 value(s) are still sealed with key " + oldKey);

        Run reencrypt = run(files, "reencrypt", "--batch-size=7");
        assertThat(reencrypt.status()).as(reencrypt.err()).isZero();
        assertThat(reencrypt.out()).contains("resealed 25 value(s) with the primary key " + newKey);
        assertThat(run(files, "reencrypt").out()).as("a second run finds nothing left")
                .contains("resealed 0 value(s)");
        assertThat(run(files, "status").out()).containsPattern("key " + oldKey + " +0\\n")
                .contains("key " + newKey + " (primary)");

        Run retire = run(files, "retire", oldKey);
        assertThat(retire.status()).as(retire.err()).isZero();
        FieldEncryption after = FieldEncryption.load(files);
        assertThat(after.keyIds()).containsExactly(FieldKeysets.parseKeyId(newKey));
        assertThat(new PostgresAdapters(TestDatabase.connectionFactory(), Clock.system(), new RandomIds(), after)
                .messageLog().read(conversation, 0, 100, 100).map(e -> ((StoredEvent.Message) e).text())
                .collectList().block(TIMEOUT))
                .hasSize(25).allSatisfy(text -> assertThat(text).startsWith("rotated "));
        assertThat(AdminData.rows("SELECT kind FROM audit_events WHERE details LIKE ? ORDER BY id", "%" + newKey + "%"))
                .extracting(row -> row.get("kind"))
                .containsExactly("encryption.key.added", "encryption.key.promoted", "encryption.reencrypted",
                        "encryption.reencrypted");
        assertThat(AdminData.rows("SELECT kind FROM audit_events WHERE kind = 'encryption.key.retired' "
                + "AND details LIKE ?", "%" + oldKey + "%")).hasSize(1);
    }

    @Test
    void initWritesWrappedKeysetsOnceAndBadUsageIsExitTwo(@TempDir Path dir) throws Exception {
        EncryptionKeyFiles files = new EncryptionKeyFiles(dir.resolve("field.json"), dir.resolve("index.json"),
                dir.resolve("kek.json"));

        Run init = run(files, "init");
        assertThat(init.status()).as(init.err()).isZero();
        assertThat(Files.readString(files.fieldKeyset())).contains("encryptedKeyset");
        assertThat(FieldEncryption.load(files).keyIds()).hasSize(1);
        Run again = run(files, "init");
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.err()).contains("exists already");

        assertThat(run(files, "promote", "not-a-key").status()).isEqualTo(2);
        assertThat(run(files, "rotate").status()).isEqualTo(2);
        assertThat(run(files, "retire").status()).isEqualTo(2);
        assertThat(run(files, "reencrypt", "--batch-size=0").status()).isEqualTo(2);
        Run unknown = run(files, "promote", "12345");
        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.err()).contains("no key 12345");
    }
}
