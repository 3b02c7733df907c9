package io.parley.persistence.postgres;

import static io.parley.persistence.postgres.Fixtures.TIMEOUT;
import static io.parley.persistence.postgres.Fixtures.WORKSPACE;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.model.BotId;
import io.parley.core.model.IdentitySecret;
import io.parley.core.model.IdentitySecretId;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.IdentityVerification;
import io.parley.persistence.testing.TestDatabase;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class PostgresIdentityVerificationTest {

    private final IdentityVerification identities = Fixtures.seededAdapters().identityVerification();
    private final BotId bot = newBot();

    private static BotId newBot() {
        BotId bot = new BotId("b_" + RandomIds.suffix());
        DatabaseClient.create(TestDatabase.connectionFactory())
                .sql("INSERT INTO bots (id, workspace_id, name, greeting, responder) VALUES (:id, :workspace, 'B', 'Hi', 'synthetic')")
                .bind("id", bot.value())
                .bind("workspace", WORKSPACE.value())
                .then()
                .block(TIMEOUT);
        return bot;
    }

    private IdentitySecret create() {
        return Objects.requireNonNull(identities.createSecret(bot).block(TIMEOUT));
    }

    @Test
    void aNewBotAcceptsEveryVisitorAndHasNoSecret() {
        StepVerifier.create(identities.settings(WORKSPACE, bot))
                .expectNext(new IdentityVerification.Settings(false, List.of()))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(identities.verifiedVisitorsOnly(bot)).expectNext(false).expectComplete().verify(TIMEOUT);
    }

    @Test
    void verifiedVisitorsOnlyIsSetOnlyForABotOfTheWorkspace() {
        StepVerifier.create(identities.setVerifiedVisitorsOnly(new WorkspaceId("w_other"), bot, true))
                .expectNext(false).expectComplete().verify(TIMEOUT);
        StepVerifier.create(identities.setVerifiedVisitorsOnly(WORKSPACE, bot, true))
                .expectNext(true).expectComplete().verify(TIMEOUT);
        StepVerifier.create(identities.verifiedVisitorsOnly(bot)).expectNext(true).expectComplete().verify(TIMEOUT);
        StepVerifier.create(identities.settings(new WorkspaceId("w_other"), bot)).expectComplete().verify(TIMEOUT);
    }

    @Test
    void createdSecretsAreActiveOldestFirstAndReadBackByteForByte() {
        IdentitySecret first = create();
        IdentitySecret second = create();

        assertThat(first.id()).isNotEqualTo(second.id());
        assertThat(first.secret()).hasSize(IdentitySecret.BYTES).isNotEqualTo(second.secret());
        StepVerifier.create(identities.activeSecrets(bot).collectList())
                .expectNext(List.of(first, second))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aThirdActiveSecretIsRefusedUntilOneIsRevoked() {
        IdentitySecret first = create();
        IdentitySecret second = create();

        StepVerifier.create(identities.createSecret(bot)).expectComplete().verify(TIMEOUT);

        StepVerifier.create(identities.revokeSecret(bot, first.id())).expectNext(true).expectComplete().verify(TIMEOUT);
        IdentitySecret third = create();
        StepVerifier.create(identities.activeSecrets(bot).collectList())
                .expectNext(List.of(second, third))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void secretsCreatedAtOnceNeverMakeMoreThanTwoActive() {
        StepVerifier.create(Flux.range(0, 6).flatMap(i -> identities.createSecret(bot)).count())
                .expectNext(2L)
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(identities.activeSecrets(bot).count()).expectNext(2L).expectComplete().verify(TIMEOUT);
    }

    @Test
    void revokingTwiceOrAnotherBotsSecretChangesNothing() {
        IdentitySecret secret = create();
        BotId otherBot = newBot();

        StepVerifier.create(identities.revokeSecret(otherBot, secret.id())).expectNext(false).expectComplete().verify(TIMEOUT);
        StepVerifier.create(identities.revokeSecret(bot, secret.id())).expectNext(true).expectComplete().verify(TIMEOUT);
        StepVerifier.create(identities.revokeSecret(bot, secret.id())).expectNext(false).expectComplete().verify(TIMEOUT);
        StepVerifier.create(identities.revokeSecret(bot, new IdentitySecretId("is_unknown")))
                .expectNext(false).expectComplete().verify(TIMEOUT);
        StepVerifier.create(identities.activeSecrets(bot)).expectComplete().verify(TIMEOUT);
    }
}
