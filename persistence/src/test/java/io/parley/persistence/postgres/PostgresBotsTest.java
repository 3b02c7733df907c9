package io.parley.persistence.postgres;

import io.parley.core.model.BotDraft;
import io.parley.core.model.BotId;
import io.parley.core.model.BotLimits;
import io.parley.core.model.BotSettings;
import io.parley.core.model.OpenAiSettings;
import io.parley.core.model.OpenAiUpstream;
import io.parley.core.model.Page;
import io.parley.core.model.RateLimit;
import io.parley.core.model.ResponderKind;
import io.parley.core.model.SyntheticSettings;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Bots;
import io.parley.core.port.WidgetKeyRegistry;
import io.parley.core.port.WidgetKeys;
import io.parley.persistence.testing.TestDatabase;
import io.parley.persistence.testing.TestKeys;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import static io.parley.persistence.postgres.Fixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

class PostgresBotsTest {

    private final PostgresAdapters adapters = Fixtures.seededAdapters();
    private final Bots bots = adapters.bots();
    private final WidgetKeyRegistry registry = adapters.widgetKeyRegistry();
    private final WidgetKeys widgetKeys = adapters.widgetKeys();
    private final DatabaseClient db = DatabaseClient.create(TestDatabase.connectionFactory());

    static WorkspaceId newWorkspace() {
        WorkspaceId id = new WorkspaceId("w_" + RandomIds.suffix());
        DatabaseClient.create(TestDatabase.connectionFactory())
                .sql("INSERT INTO workspaces (id, name) VALUES (:id, 'Bots test')").bind("id", id.value())
                .then().block(TIMEOUT);
        return id;
    }

    static BotDraft draft(String name) {
        return new BotDraft(name, "Hello", ResponderKind.KNOWLEDGE_BASE, SyntheticSettings.DEFAULT, null, null,
                BotLimits.DEFAULTS, List.of("https://shop.example"), false);
    }

    @Test
    void aCreatedBotReadsBackAsStoredAndItsApiKeyOnlyAsSet() {
        WorkspaceId workspace = newWorkspace();
        BotDraft draft = new BotDraft("x'); DROP TABLE bots;--", "Hi", ResponderKind.OPENAI,
                new SyntheticSettings(7, 3), "https://api.example/v1", "gpt-test",
                new BotLimits(new RateLimit(5, Duration.ofSeconds(2)), new RateLimit(0, Duration.ofSeconds(60)),
                        new RateLimit(9, Duration.ofHours(1))),
                List.of("https://a.example", "http://localhost:3000"), true);

        BotSettings created = Objects.requireNonNull(bots.create(workspace, draft, "sk-secret").block(TIMEOUT));

        assertThat(created.draft()).isEqualTo(draft);
        assertThat(created.openai()).isEqualTo(new OpenAiSettings("https://api.example/v1", "gpt-test", true));
        StepVerifier.create(bots.find(workspace, created.id()))
                .expectNext(created)
                .expectComplete()
                .verify(TIMEOUT);
        // stored sealed for the bot's row
        StepVerifier.create(db.sql("SELECT openai_api_key FROM bots WHERE id = :id").bind("id", created.id().value())
                        .map(row -> Sql.bytes(row, "openai_api_key")).one())
                .assertNext(stored -> {
                    assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("secret");
                    assertThat(new FieldCodec(TestKeys.encryption()).open(Sealed.BOT_OPENAI_API_KEY, stored,
                            created.id().value())).isEqualTo("sk-secret");
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void theUpstreamOfAnOpenAiBotCarriesItsKeyAndIsGoneOnceTheBotIsArchived() {
        WorkspaceId workspace = newWorkspace();
        BotDraft openAi = new BotDraft("Upstream", "Hi", ResponderKind.OPENAI, SyntheticSettings.DEFAULT,
                "https://api.example/v1", "gpt-test", BotLimits.DEFAULTS, List.of(), true);
        BotSettings withKey = Objects.requireNonNull(bots.create(workspace, openAi, "sk-upstream").block(TIMEOUT));
        BotSettings keyless = Objects.requireNonNull(bots.create(workspace, openAi, null).block(TIMEOUT));
        BotSettings knowledge = Objects.requireNonNull(bots.create(workspace, draft("Plain"), null).block(TIMEOUT));

        StepVerifier.create(adapters.openAiUpstreams().of(withKey.id()))
                .expectNext(new OpenAiUpstream("https://api.example/v1", "gpt-test", "sk-upstream"))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(adapters.openAiUpstreams().of(keyless.id()))
                .expectNext(new OpenAiUpstream("https://api.example/v1", "gpt-test", null))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(adapters.openAiUpstreams().of(knowledge.id())).expectComplete().verify(TIMEOUT);
        assertThat(bots.archive(workspace, withKey.id()).block(TIMEOUT)).isTrue();
        StepVerifier.create(adapters.openAiUpstreams().of(withKey.id())).expectComplete().verify(TIMEOUT);
        assertThat(new OpenAiUpstream("https://api.example/v1", "gpt-test", "sk-upstream").toString())
                .doesNotContain("sk-upstream");
    }

    @Test
    void anUpdateReplacesTheSettingsAndKeepsOrChangesTheApiKeyAsAsked() {
        WorkspaceId workspace = newWorkspace();
        BotSettings created = Objects.requireNonNull(bots.create(workspace, draft("One"), "sk-1").block(TIMEOUT));
        BotDraft renamed = new BotDraft("Two", "Hey", ResponderKind.SYNTHETIC, new SyntheticSettings(10, 5), null, null,
                BotLimits.LIFTED, List.of(), true);

        BotSettings kept = Objects.requireNonNull(
                bots.update(workspace, created.id(), renamed, Bots.ApiKeyChange.KEEP).block(TIMEOUT));
        assertThat(kept.draft()).isEqualTo(renamed);
        assertThat(kept.openai().apiKeySet()).isTrue();

        BotSettings cleared = Objects.requireNonNull(
                bots.update(workspace, created.id(), renamed, Bots.ApiKeyChange.to(null)).block(TIMEOUT));
        assertThat(cleared.openai().apiKeySet()).isFalse();
    }

    @Test
    void anotherWorkspaceSeesNeitherTheBotNorItsKeys() {
        WorkspaceId mine = newWorkspace();
        WorkspaceId theirs = newWorkspace();
        BotSettings bot = Objects.requireNonNull(bots.create(mine, draft("Mine"), null).block(TIMEOUT));
        String key = Objects.requireNonNull(registry.create(mine, bot.id()).block(TIMEOUT)).key();

        StepVerifier.create(bots.find(theirs, bot.id())).expectComplete().verify(TIMEOUT);
        StepVerifier.create(bots.update(theirs, bot.id(), draft("Stolen"), Bots.ApiKeyChange.KEEP))
                .expectComplete().verify(TIMEOUT);
        StepVerifier.create(bots.archive(theirs, bot.id())).expectNext(false).expectComplete().verify(TIMEOUT);
        StepVerifier.create(registry.create(theirs, bot.id())).expectComplete().verify(TIMEOUT);
        StepVerifier.create(registry.setEnabled(theirs, key, false)).expectComplete().verify(TIMEOUT);
        StepVerifier.create(registry.list(theirs, null, 10, null).map(Page::items))
                .expectNext(List.of()).expectComplete().verify(TIMEOUT);
    }

    @Test
    void listsPageOldestFirst() {
        WorkspaceId workspace = newWorkspace();
        for (String name : List.of("A", "B", "C")) {
            bots.create(workspace, draft(name), null).block(TIMEOUT);
        }
        Page<BotSettings> first = Objects.requireNonNull(bots.list(workspace, 2, null).block(TIMEOUT));
        assertThat(first.items()).extracting(BotSettings::name).containsExactly("A", "B");
        assertThat(first.next()).isNotNull();
        Page<BotSettings> second = Objects.requireNonNull(bots.list(workspace, 2, first.next()).block(TIMEOUT));
        assertThat(second.items()).extracting(BotSettings::name).containsExactly("C");
        assertThat(second.next()).isNull();
    }

    @Test
    void aWidgetKeyCarriesItsBotsOriginsAndIsDisabledOnceTheBotIsArchived() {
        WorkspaceId workspace = newWorkspace();
        BotSettings bot = Objects.requireNonNull(bots.create(workspace, draft("Archived"), null).block(TIMEOUT));
        var listing = Objects.requireNonNull(registry.create(workspace, bot.id()).block(TIMEOUT));
        assertThat(listing.key()).matches("pk_[A-Za-z0-9_-]{24}");
        assertThat(listing.enabled()).isTrue();

        StepVerifier.create(widgetKeys.find(listing.key()))
                .assertNext(key -> {
                    assertThat(key.enabled()).isTrue();
                    assertThat(key.allowedOrigins()).isEqualTo(Set.of("https://shop.example"));
                    assertThat(key.allowNativeClients()).isFalse();
                    assertThat(key.bot().id()).isEqualTo(bot.id());
                })
                .expectComplete()
                .verify(TIMEOUT);

        StepVerifier.create(bots.archive(workspace, bot.id())).expectNext(true).expectComplete().verify(TIMEOUT);

        StepVerifier.create(widgetKeys.find(listing.key()))
                .assertNext(key -> assertThat(key.enabled()).isFalse())
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(bots.find(workspace, bot.id())).expectComplete().verify(TIMEOUT);
        StepVerifier.create(registry.list(workspace, bot.id(), 10, null).map(Page::items))
                .expectNext(List.of()).expectComplete().verify(TIMEOUT);
        StepVerifier.create(bots.archive(workspace, bot.id())).expectNext(false).expectComplete().verify(TIMEOUT);
    }

    @Test
    void aKeyCanBeDisabledAndEnabledAndListedByBot() {
        WorkspaceId workspace = newWorkspace();
        BotId one = Objects.requireNonNull(bots.create(workspace, draft("One"), null).block(TIMEOUT)).id();
        BotId two = Objects.requireNonNull(bots.create(workspace, draft("Two"), null).block(TIMEOUT)).id();
        String oneKey = Objects.requireNonNull(registry.create(workspace, one).block(TIMEOUT)).key();
        String twoKey = Objects.requireNonNull(registry.create(workspace, two).block(TIMEOUT)).key();

        StepVerifier.create(registry.setEnabled(workspace, oneKey, false))
                .assertNext(key -> assertThat(key.enabled()).isFalse())
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(widgetKeys.find(oneKey))
                .assertNext(key -> assertThat(key.enabled()).isFalse())
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(registry.list(workspace, two, 10, null).map(page -> page.items().stream()
                        .map(key -> key.key()).toList()))
                .expectNext(List.of(twoKey)).expectComplete().verify(TIMEOUT);
        StepVerifier.create(registry.list(workspace, null, 10, null).map(page -> page.items().size()))
                .expectNext(2).expectComplete().verify(TIMEOUT);
    }
}
