package io.parley.persistence.postgres;

import static io.parley.persistence.postgres.Fixtures.TIMEOUT;
import static io.parley.persistence.postgres.Fixtures.WORKSPACE;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.model.Author;
import io.parley.core.model.AuthorRole;
import io.parley.core.model.BotDraft;
import io.parley.core.model.BotId;
import io.parley.core.model.BotLimits;
import io.parley.core.model.ConversationId;
import io.parley.core.model.Identity;
import io.parley.core.model.IdentitySecret;
import io.parley.core.model.Operator;
import io.parley.core.model.ResponderKind;
import io.parley.core.model.Role;
import io.parley.core.model.SyntheticSettings;
import io.parley.core.model.VerifiedIdentity;
import io.parley.core.model.Visitor;
import io.parley.core.model.VisitorId;
import io.parley.core.model.WorkspaceId;
import io.parley.persistence.encryption.UnreadableFieldException;
import io.parley.persistence.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.test.StepVerifier;

/**
 * What a copy of the database shows: every protected value sealed (read back here with plain SQL, as a
 * thief would), and a sealed value moved to another row refused instead of read as that row's.
 */
class SealedColumnsTest {

    private final PostgresAdapters adapters = Fixtures.seededAdapters();
    private final DatabaseClient db = DatabaseClient.create(TestDatabase.connectionFactory());
    private final RandomIds ids = new RandomIds();

    /** A value no other test writes, so finding it anywhere in a row means it is stored in plaintext. */
    private static String marker(String what) {
        return what + RandomIds.suffix().substring(0, 12);
    }

    /** Each row as PostgreSQL's own text rendering of all its columns. */
    private List<String> rawRows(String table, String where, Object value) {
        return Objects.requireNonNull(db.sql("SELECT row_to_json(t)::text AS row FROM " + table + " t WHERE " + where)
                .bind("v", value)
                .map(row -> Sql.string(row, "row"))
                .all()
                .collectList()
                .block(TIMEOUT));
    }

    private static void assertNoneContains(List<String> rows, String... plaintexts) {
        assertThat(rows).isNotEmpty();
        for (String plaintext : plaintexts) {
            String hex = HexFormat.of().formatHex(plaintext.getBytes(StandardCharsets.UTF_8));
            assertThat(rows).allSatisfy(row -> assertThat(row).doesNotContainIgnoringCase(plaintext)
                    .doesNotContain(hex));
        }
    }

    @Test
    void rawRowsHoldNoPlaintextOfMessagesVisitorDataClaimsOrSecrets() {
        String text = marker("message-");
        String subject = marker("crm-");
        String email = marker("ada.") + "@example.com";
        String name = marker("Ada ");
        String phone = "+44 " + RandomIds.suffix().replaceAll("[^0-9]", "").substring(0, 6);
        String address = "203.0.113." + (1 + Math.abs(text.hashCode() % 250));
        String apiKey = marker("sk-upstream-");
        String operatorEmail = marker("owner.") + "@example.com";
        String inviteEmail = marker("invitee.") + "@example.com";
        String linkEmail = marker("link.") + "@example.com";

        Visitor visitor = Objects.requireNonNull(adapters.visitors()
                .findOrCreateVerified(WORKSPACE, new VerifiedIdentity(subject, email, name, phone)).block(TIMEOUT));
        adapters.visitors().recordAddress(visitor.id(), address).block(TIMEOUT);
        ConversationId conversation = Objects.requireNonNull(adapters.conversations()
                .openFor(WORKSPACE, Fixtures.DEMO_BOT, visitor.id()).block(TIMEOUT)).id();
        adapters.messageLog().appendClientMessage(conversation, ids.messageId(),
                new Author(AuthorRole.VISITOR, visitor.id().value(), "Visitor"), "c1", text).block(TIMEOUT);
        BotId bot = Objects.requireNonNull(adapters.bots().create(WORKSPACE, new BotDraft("Sealed", "Hi",
                ResponderKind.OPENAI, SyntheticSettings.DEFAULT, "https://api.example/v1", "gpt-test",
                BotLimits.DEFAULTS, List.of(), true), apiKey).block(TIMEOUT)).id();
        IdentitySecret secret = Objects.requireNonNull(adapters.identityVerification().createSecret(bot).block(TIMEOUT));
        Operator operator = Objects.requireNonNull(adapters.operators().findOrCreate(
                new Identity(Identity.MAGIC_LINK_ISSUER, operatorEmail), operatorEmail, "Owner").block(TIMEOUT));
        WorkspaceId workspace = Objects.requireNonNull(adapters.workspaces().createOwnedBy("Sealed", operator.id())
                .block(TIMEOUT)).id();
        String invite = Objects.requireNonNull(adapters.invites().create(workspace, inviteEmail, Role.AGENT,
                operator.id(), PostgresMagicLinksTest.newHash(), Instant.now().plusSeconds(600)).block(TIMEOUT)).id();
        byte[] linkHash = PostgresMagicLinksTest.newHash();
        adapters.magicLinks().store(linkHash, linkEmail, Instant.now().plusSeconds(600)).block(TIMEOUT);

        assertNoneContains(rawRows("events", "conversation_id = :v", conversation.value()), text);
        assertNoneContains(rawRows("visitors", "id = :v", visitor.id().value()), subject, email, name, phone, address);
        assertNoneContains(rawRows("bots", "id = :v", bot.value()), apiKey);
        assertNoneContains(rawRows("bot_identity_secrets", "id = :v", secret.id().value()),
                new String(secret.secret(), StandardCharsets.ISO_8859_1));
        assertThat(rawRows("bot_identity_secrets", "id = :v", secret.id().value()))
                .allSatisfy(row -> assertThat(row).doesNotContain(HexFormat.of().formatHex(secret.secret())));
        assertNoneContains(rawRows("operators", "id = :v", operator.id().value()), operatorEmail);
        assertNoneContains(rawRows("operator_identities", "operator_id = :v", operator.id().value()), operatorEmail);
        assertNoneContains(rawRows("invites", "id = :v", invite), inviteEmail);
        assertNoneContains(rawRows("magic_links", "token_hash = :v", linkHash), linkEmail);

        // and everything reads back through the adapters
        StepVerifier.create(adapters.visitorRecords().find(WORKSPACE, visitor.id()))
                .assertNext(found -> {
                    assertThat(found.externalId()).isEqualTo(subject);
                    assertThat(found.email()).isEqualTo(email);
                    assertThat(found.name()).isEqualTo(name);
                    assertThat(found.phone()).isEqualTo(phone);
                    assertThat(found.ipAddress()).isEqualTo(address);
                })
                .expectComplete().verify(TIMEOUT);
        StepVerifier.create(adapters.openAiUpstreams().of(bot)).assertNext(up -> assertThat(up.apiKey()).isEqualTo(apiKey))
                .expectComplete().verify(TIMEOUT);
        StepVerifier.create(adapters.identityVerification().activeSecrets(bot))
                .assertNext(found -> assertThat(found.secret()).isEqualTo(secret.secret()))
                .expectComplete().verify(TIMEOUT);
        StepVerifier.create(adapters.magicLinks().peek(linkHash, Instant.now())).expectNext(linkEmail)
                .expectComplete().verify(TIMEOUT);
        StepVerifier.create(adapters.operators().findByIdentity(new Identity(Identity.MAGIC_LINK_ISSUER, operatorEmail)))
                .assertNext(found -> assertThat(found.email()).isEqualTo(operatorEmail))
                .expectComplete().verify(TIMEOUT);
    }

    @Test
    void aMessageTextSwappedWithAnotherRowsFailsToDecryptInsteadOfReadingAsThatRow() {
        ConversationId conversation = Fixtures.newConversation(adapters);
        Author visitor = new Author(AuthorRole.VISITOR, "v_sealed", "Visitor");
        adapters.messageLog().appendClientMessage(conversation, ids.messageId(), visitor, "a", "first").block(TIMEOUT);
        adapters.messageLog().appendClientMessage(conversation, ids.messageId(), visitor, "b", "second").block(TIMEOUT);

        db.sql("""
                        UPDATE events e SET text = o.text FROM events o
                         WHERE e.conversation_id = :c AND o.conversation_id = :c AND e.seq + o.seq = 3""")
                .bind("c", conversation.value()).then().block(TIMEOUT);

        StepVerifier.create(adapters.messageLog().read(conversation, 0, Long.MAX_VALUE, 10))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(UnreadableFieldException.class)
                        .hasMessageContaining("events.text of row (" + conversation.value() + ", 1)")
                        .hasMessageContaining("for another row or column"))
                .verify(TIMEOUT);
        StepVerifier.create(adapters.inbox().summary(conversation))
                .expectError(UnreadableFieldException.class)
                .verify(TIMEOUT);
    }

    @Test
    void personalDataOrAnApiKeyCopiedToAnotherRowFailsToDecrypt() {
        VisitorId ada = verified("ada").id();
        VisitorId bob = verified("bob").id();
        db.sql("UPDATE visitors SET email = (SELECT email FROM visitors WHERE id = :from) WHERE id = :to")
                .bind("from", ada.value()).bind("to", bob.value()).then().block(TIMEOUT);

        StepVerifier.create(adapters.visitorRecords().find(WORKSPACE, bob))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(UnreadableFieldException.class)
                        .hasMessageContaining("visitors.email of row (" + bob.value() + ")"))
                .verify(TIMEOUT);

        BotDraft draft = new BotDraft("Upstream", "Hi", ResponderKind.OPENAI, SyntheticSettings.DEFAULT,
                "https://api.example/v1", "gpt-test", BotLimits.DEFAULTS, List.of(), true);
        BotId paying = Objects.requireNonNull(adapters.bots().create(WORKSPACE, draft, "sk-paying").block(TIMEOUT)).id();
        BotId freeloader = Objects.requireNonNull(adapters.bots().create(WORKSPACE, draft, "sk-own").block(TIMEOUT)).id();
        db.sql("UPDATE bots SET openai_api_key = (SELECT openai_api_key FROM bots WHERE id = :from) WHERE id = :to")
                .bind("from", paying.value()).bind("to", freeloader.value()).then().block(TIMEOUT);

        StepVerifier.create(adapters.openAiUpstreams().of(freeloader))
                .expectError(UnreadableFieldException.class)
                .verify(TIMEOUT);
    }

    @Test
    void theSearchByEmailComparesBlindIndexesWhateverTheCase() {
        String email = marker("Grace.") + "@Example.com";
        Visitor grace = Objects.requireNonNull(adapters.visitors().findOrCreateVerified(WORKSPACE,
                new VerifiedIdentity(marker("crm-"), email, null, null)).block(TIMEOUT));

        StepVerifier.create(adapters.visitorRecords().page(WORKSPACE, "  " + email.toUpperCase() + " ", 10, null))
                .assertNext(page -> assertThat(page.items()).extracting(found -> found.id()).containsExactly(grace.id()))
                .expectComplete().verify(TIMEOUT);
        StepVerifier.create(adapters.visitorRecords().page(new WorkspaceId("w_elsewhere"), email, 10, null))
                .assertNext(page -> assertThat(page.items()).isEmpty())
                .expectComplete().verify(TIMEOUT);
        assertNoneContains(rawRows("visitors", "id = :v", grace.id().value()), email);
    }

    private Visitor verified(String who) {
        return Objects.requireNonNull(adapters.visitors().findOrCreateVerified(WORKSPACE,
                new VerifiedIdentity(marker("crm-"), marker(who) + "@example.com", who, null)).block(TIMEOUT));
    }
}
