package io.parley.persistence.postgres;

import io.parley.core.model.BotLimits;
import io.parley.core.model.ResponderKind;
import io.parley.core.model.SyntheticSettings;
import io.parley.core.port.WidgetKeys;
import io.parley.persistence.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.test.StepVerifier;

import java.util.Set;

import static io.parley.persistence.postgres.Fixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

class PostgresWidgetKeysTest {

    private final WidgetKeys widgetKeys = Fixtures.seededAdapters().widgetKeys();

    @Test
    void demoKeyAllowsItsOriginAndNativeClientsForTheKnowledgeBaseBotWithDefaultLimits() {
        StepVerifier.create(widgetKeys.find(DemoWorkspace.DEMO_KEY))
                .assertNext(key -> {
                    assertThat(key.key()).isEqualTo("pk_demo");
                    assertThat(key.allowedOrigins()).containsExactly("https://localhost:8443");
                    assertThat(key.allowNativeClients()).isTrue();
                    assertThat(key.enabled()).isTrue();
                    assertThat(key.bot().id()).isEqualTo(Fixtures.DEMO_BOT);
                    assertThat(key.bot().workspaceId()).isEqualTo(Fixtures.WORKSPACE);
                    assertThat(key.bot().name()).isEqualTo("Parley Demo");
                    assertThat(key.bot().greeting()).isNotBlank();
                    assertThat(key.bot().responder()).isEqualTo(ResponderKind.KNOWLEDGE_BASE);
                    assertThat(key.bot().limits()).isEqualTo(BotLimits.DEFAULTS);
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void loadTestKeyAllowsNativeClientsOnlyForTheSyntheticBotWithLiftedLimits() {
        StepVerifier.create(widgetKeys.find(DemoWorkspace.LOADTEST_KEY))
                .assertNext(key -> {
                    assertThat(key.allowedOrigins()).isEmpty();
                    assertThat(key.allowNativeClients()).isTrue();
                    assertThat(key.enabled()).isTrue();
                    assertThat(key.bot().id()).isEqualTo(Fixtures.LOADTEST_BOT);
                    assertThat(key.bot().name()).isEqualTo("Load Test");
                    assertThat(key.bot().responder()).isEqualTo(ResponderKind.SYNTHETIC);
                    assertThat(key.bot().synthetic()).isEqualTo(new SyntheticSettings(50, 20));
                    assertThat(key.bot().limits()).isEqualTo(BotLimits.LIFTED);
                    assertThat(key.bot().limits().messagesPerVisitor().unlimited()).isTrue();
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void disabledKeyIsReturnedDisabledWithItsBotsOriginsAndNativeFlag() {
        String suffix = RandomIds.suffix();
        String key = "pk_disabled_" + suffix;
        String bot = "b_disabled_" + suffix;
        DatabaseClient db = DatabaseClient.create(TestDatabase.connectionFactory());
        StepVerifier.create(db.sql("""
                                INSERT INTO bots (id, workspace_id, name, greeting, responder, allowed_origins,
                                                  allow_native_clients)
                                VALUES (:bot, 'w_demo', 'Disabled', 'Hi', 'knowledge_base', :origins, false)""")
                        .bind("bot", bot)
                        .bind("origins", new String[]{"https://a.example", "https://b.example:8443"})
                        .then()
                        .then(db.sql("INSERT INTO widget_keys (key, bot_id, enabled) VALUES (:key, :bot, false)")
                                .bind("key", key)
                                .bind("bot", bot)
                                .then()))
                .expectComplete()
                .verify(TIMEOUT);

        StepVerifier.create(widgetKeys.find(key))
                .assertNext(found -> {
                    assertThat(found.enabled()).isFalse();
                    assertThat(found.allowNativeClients()).isFalse();
                    assertThat(found.allowedOrigins())
                            .isEqualTo(Set.of("https://a.example", "https://b.example:8443"));
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void unknownKeyIsNotFound() {
        StepVerifier.create(widgetKeys.find("pk_unknown_" + RandomIds.suffix())).expectComplete().verify(TIMEOUT);
    }
}
