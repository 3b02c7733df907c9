package io.parley.persistence.postgres;

import static io.parley.persistence.postgres.Fixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.crypto.tink.KeysetHandle;
import io.parley.core.model.Author;
import io.parley.core.model.AuthorRole;
import io.parley.core.model.BotDraft;
import io.parley.core.model.BotId;
import io.parley.core.model.BotLimits;
import io.parley.core.model.ConversationId;
import io.parley.core.model.ResponderKind;
import io.parley.core.model.StoredEvent;
import io.parley.core.model.SyntheticSettings;
import io.parley.core.model.VerifiedIdentity;
import io.parley.core.model.Visitor;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Clock;
import io.parley.persistence.encryption.EncryptionKeyFiles;
import io.parley.persistence.encryption.FieldEncryption;
import io.parley.persistence.encryption.FieldKeysets;
import io.parley.persistence.testing.TestDatabase;
import io.parley.persistence.testing.TestKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A key rotation on a live database: a node keeps writing and reading messages while a key is added
 * and promoted and the re-encryption job runs (interrupted once, then run again). Keysets of the test's
 * own, so the job moves this test's values only, in a workspace of its own, so no other test meets them.
 */
class FieldKeyRotationTest {

    private static final int CONVERSATIONS = 4;
    private final DatabaseClient db = DatabaseClient.create(TestDatabase.connectionFactory());

    @Test
    void rotationUnderLiveTrafficLosesNothingAndLeavesEveryValueOnTheNewKey() {
        EncryptionKeyFiles files = TestKeys.generate();
        try (FieldEncryption node = FieldEncryption.watch(files, Duration.ofMillis(100))) {
            PostgresAdapters live = new PostgresAdapters(TestDatabase.connectionFactory(), Clock.system(),
                    new RandomIds(), node);
            RandomIds ids = new RandomIds();
            int oldKey = node.primaryKeyId();
            WorkspaceId workspace = new WorkspaceId("w_rotation" + RandomIds.suffix().substring(0, 12));
            db.sql("INSERT INTO workspaces (id, name) VALUES (:id, 'Rotation')").bind("id", workspace.value())
                    .then().block(TIMEOUT);
            BotId bot = Objects.requireNonNull(live.bots().create(workspace, new BotDraft("Rotation", "Hi",
                    ResponderKind.SYNTHETIC, SyntheticSettings.DEFAULT, null, null, BotLimits.DEFAULTS, List.of(), true),
                    null).block(TIMEOUT)).id();
            String subject = "crm-" + RandomIds.suffix();
            String email = "rotating." + RandomIds.suffix() + "@example.com";
            Visitor visitor = Objects.requireNonNull(live.visitors().findOrCreateVerified(workspace,
                    new VerifiedIdentity(subject, email, "Rota Tion", "+1 555 0100")).block(TIMEOUT));
            List<ConversationId> conversations = new ArrayList<>();
            for (int i = 0; i < CONVERSATIONS; i++) {
                Visitor chatting = i == 0 ? visitor : live.visitors().create(workspace).block(TIMEOUT);
                conversations.add(Objects.requireNonNull(live.conversations().openFor(workspace, bot,
                        Objects.requireNonNull(chatting).id()).block(TIMEOUT)).id());
            }
            Author author = new Author(AuthorRole.VISITOR, visitor.id().value(), "Visitor");
            Map<String, String> written = new ConcurrentHashMap<>();
            // every message is read back right after it is stored, whichever key sealed it
            java.util.function.IntFunction<Mono<Void>> writeAndRead = i -> {
                ConversationId conversation = conversations.get(i % CONVERSATIONS);
                String text = "message " + i + " of the rotation";
                return live.messageLog().appendClientMessage(conversation, ids.messageId(), author, "r" + i, text)
                        .flatMap(appended -> live.messageLog().read(conversation, appended.message().seq() - 1,
                                        appended.message().seq(), 1).single()
                                .doOnNext(read -> {
                                    assertThat(((StoredEvent.Message) read).text()).isEqualTo(text);
                                    written.put(conversation.value() + "/" + appended.message().seq(), text);
                                }))
                        .then();
            };
            Flux.range(0, 100).concatMap(writeAndRead::apply).blockLast(TIMEOUT);

            AtomicBoolean stop = new AtomicBoolean();
            List<Throwable> trafficErrors = new ArrayList<>();
            Disposable traffic = Flux.range(100, 1_000_000)
                    .takeWhile(i -> !stop.get())
                    .concatMap(writeAndRead::apply)
                    .subscribeOn(Schedulers.boundedElastic())
                    .subscribe(null, trafficErrors::add);
            try {
                KeysetHandle before = files.fieldKeysetFile().read();
                KeysetHandle added = FieldKeysets.withNewKey(before);
                int newKey = FieldKeysets.addedKeys(before, added).iterator().next();
                files.fieldKeysetFile().write(added);
                await().atMost(Duration.ofSeconds(10)).until(() -> node.keyIds().contains(newKey));
                files.fieldKeysetFile().write(FieldKeysets.promoted(added, newKey));
                await().atMost(Duration.ofSeconds(10)).until(() -> node.primaryKeyId() == newKey);

                FieldKeyRotation job = new FieldKeyRotation(TestDatabase.connectionFactory(), FieldEncryption.load(files));
                assertThat(job.rowsUnder(oldKey).block(TIMEOUT)).as("values under the old key before the job")
                        .isGreaterThanOrEqualTo(100 + 4);
                await().atMost(Duration.ofSeconds(20)).until(() -> written.size() >= 150);

                // the job dies after its first batch, then runs again from wherever things are
                job.reencrypt(20).take(1).blockLast(TIMEOUT);
                assertThat(job.rowsUnder(oldKey).block(TIMEOUT)).isPositive();
                List<FieldKeyRotation.Batch> batches = job.reencrypt(20).collectList().block(TIMEOUT);

                int writtenWhenJobEnded = written.size();
                await().atMost(Duration.ofSeconds(20)).until(() -> written.size() >= writtenWhenJobEnded + 30);
                stop.set(true);
                await().atMost(Duration.ofSeconds(20)).until(traffic::isDisposed);
                assertThat(trafficErrors).isEmpty();
                assertThat(batches).allSatisfy(batch -> assertThat(batch.unreadable()).isZero());
                assertThat(job.rowsUnder(oldKey).block(TIMEOUT)).isZero();

                // nothing lost: every stored message reads back with its text, and every one is under the new key
                for (ConversationId conversation : conversations) {
                    List<StoredEvent> events = live.messageLog().read(conversation, 0, Long.MAX_VALUE, 100_000)
                            .collectList().block(TIMEOUT);
                    assertThat(events).extracting(StoredEvent::seq)
                            .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, events.size())
                                    .boxed().toList());
                    for (StoredEvent event : events) {
                        assertThat(((StoredEvent.Message) event).text())
                                .isEqualTo(written.get(conversation.value() + "/" + event.seq()));
                    }
                    assertThat(db.sql("SELECT text FROM events WHERE conversation_id = :c").bind("c", conversation.value())
                            .map(row -> FieldKeysets.keyIdOf(Sql.bytes(row, "text"))).all().collectList().block(TIMEOUT))
                            .hasSize(events.size()).containsOnly(newKey);
                }
                assertThat(written).hasSizeGreaterThanOrEqualTo(180);

                // the blind indexes did not change: the visitor is still found by e-mail and by subject
                assertThat(Objects.requireNonNull(live.visitorRecords().page(workspace, email.toUpperCase(), 5, null)
                        .block(TIMEOUT)).items()).extracting(found -> found.id()).containsExactly(visitor.id());
                assertThat(live.visitors().findOrCreateVerified(workspace, new VerifiedIdentity(subject, null, null, null))
                        .block(TIMEOUT)).isEqualTo(visitor);
                assertThat(live.visitorRecords().find(workspace, visitor.id()).block(TIMEOUT).phone())
                        .isEqualTo("+1 555 0100");
            } finally {
                stop.set(true);
                traffic.dispose();
            }
        }
    }
}
