package io.parley.persistence.postgres;

import io.parley.core.port.MagicLinks;
import io.parley.persistence.testing.TestDatabase;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;

import static io.parley.persistence.postgres.Fixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

class PostgresMagicLinksTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final MagicLinks links = Fixtures.adapters(TestDatabase.connectionFactory()).magicLinks();

    @Test
    void peekConsumesNothingAndSeesTheNormalisedEmail() {
        byte[] hash = newHash();
        String email = "peek-" + RandomIds.suffix() + "@example.com";
        Instant now = Instant.now();
        store(hash, "  " + email.toUpperCase() + " ", now.plus(Duration.ofMinutes(15)));

        StepVerifier.create(links.peek(hash, now)).expectNext(email).expectComplete().verify(TIMEOUT);
        StepVerifier.create(links.peek(hash, now)).expectNext(email).expectComplete().verify(TIMEOUT);
        StepVerifier.create(links.redeem(hash, now)).expectNext(email).expectComplete().verify(TIMEOUT);
    }

    @Test
    void redeemGivesTheEmailOnceAndThenNothing() {
        byte[] hash = newHash();
        String email = "once-" + RandomIds.suffix() + "@example.com";
        Instant now = Instant.now();
        store(hash, email, now.plus(Duration.ofMinutes(15)));

        StepVerifier.create(links.redeem(hash, now)).expectNext(email).expectComplete().verify(TIMEOUT);
        StepVerifier.create(links.redeem(hash, now)).expectComplete().verify(TIMEOUT);
        StepVerifier.create(links.peek(hash, now)).expectComplete().verify(TIMEOUT);
    }

    @Test
    void expiredLinkIsNeitherPeekedNorRedeemed() {
        byte[] hash = newHash();
        Instant now = Instant.now();
        store(hash, "late-" + RandomIds.suffix() + "@example.com", now.plus(Duration.ofMinutes(15)));
        Instant later = now.plus(Duration.ofMinutes(15));

        StepVerifier.create(links.peek(hash, later)).expectComplete().verify(TIMEOUT);
        StepVerifier.create(links.redeem(hash, later)).expectComplete().verify(TIMEOUT);
    }

    @Test
    void unknownLinkIsNeitherPeekedNorRedeemed() {
        byte[] hash = newHash();

        StepVerifier.create(links.peek(hash, Instant.now())).expectComplete().verify(TIMEOUT);
        StepVerifier.create(links.redeem(hash, Instant.now())).expectComplete().verify(TIMEOUT);
    }

    @Test
    void twentyRacingRedemptionsOnTwoNodesHaveOneWinner() {
        ConnectionPool nodeA = TestDatabase.newPool(4);
        ConnectionPool nodeB = TestDatabase.newPool(4);
        try {
            MagicLinks onA = Fixtures.adapters(nodeA).magicLinks();
            MagicLinks onB = Fixtures.adapters(nodeB).magicLinks();
            for (int round = 0; round < 5; round++) {
                byte[] hash = newHash();
                String email = "race-" + RandomIds.suffix() + "@example.com";
                Instant now = Instant.now();
                store(hash, email, now.plus(Duration.ofMinutes(15)));

                StepVerifier.create(Flux.range(0, 20)
                                .flatMap(i -> (i % 2 == 0 ? onA : onB).redeem(hash, now), 20)
                                .collectList())
                        .assertNext(winners -> assertThat(winners).containsExactly(email))
                        .expectComplete()
                        .verify(TIMEOUT);
            }
        } finally {
            nodeA.dispose();
            nodeB.dispose();
        }
    }

    private void store(byte[] hash, String email, Instant expiresAt) {
        StepVerifier.create(links.store(hash, email, expiresAt)).expectComplete().verify(TIMEOUT);
    }

    static byte[] newHash() {
        byte[] hash = new byte[32];
        RANDOM.nextBytes(hash);
        return hash;
    }
}
