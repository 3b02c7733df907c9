package io.parley.persistence.redis;

import static io.parley.persistence.redis.RedisTestSupport.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.core.port.JobClaims;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Claims of one job run in the shared Redis: one winner among nodes asking at once, free again after the TTL. */
class RedisJobClaimsTest extends SharedRedisTest {
    private final String prefix = RedisTestSupport.randomPrefix();
    private final List<RedisAdapters> nodes = List.of(new RedisAdapters(client, prefix), new RedisAdapters(client, prefix),
            new RedisAdapters(client, prefix));

    @AfterEach
    void close() {
        nodes.forEach(RedisAdapters::close);
    }

    @Test
    void ofThreeNodesClaimingOneRunAtOnceExactlyOneWinsAndItsIdIsStored() {
        List<Boolean> answers = Flux.range(0, nodes.size())
                .flatMap(i -> nodes.get(i).jobClaims().claim("backup:1700000000", "n_" + i, Duration.ofMinutes(1))
                        .subscribeOn(Schedulers.parallel()))
                .collectList()
                .block(TIMEOUT);

        assertThat(answers).containsExactlyInAnyOrder(true, false, false);
        assertThat(admin.get(prefix + "{job:backup:1700000000}:claim")).startsWith("n_");
        assertThat(admin.pttl(prefix + "{job:backup:1700000000}:claim")).isBetween(1L, 60_000L);
    }

    @Test
    void anotherRunIsItsOwnClaimAndAnExpiredClaimCanBeTakenAgain() {
        JobClaims claims = nodes.get(0).jobClaims();
        StepVerifier.create(claims.claim("backup:1", "n_a", Duration.ofMillis(300))).expectNext(true).expectComplete().verify(TIMEOUT);
        StepVerifier.create(claims.claim("backup:2", "n_b", Duration.ofMinutes(1))).expectNext(true).expectComplete().verify(TIMEOUT);
        StepVerifier.create(nodes.get(1).jobClaims().claim("backup:1", "n_b", Duration.ofMinutes(1)))
                .expectNext(false).expectComplete().verify(TIMEOUT);

        await().atMost(TIMEOUT).until(() -> admin.exists(prefix + "{job:backup:1}:claim") == 0);
        StepVerifier.create(nodes.get(1).jobClaims().claim("backup:1", "n_b", Duration.ofMinutes(1)))
                .expectNext(true)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aClaimWhileRedisIsUnreachableErrorsSoNoNodeRunsTheJob() {
        var unreachable = RedisTestSupport.unreachableClient();
        try (RedisAdapters cut = new RedisAdapters(unreachable, prefix)) {
            StepVerifier.create(cut.jobClaims().claim("backup:3", "n_a", Duration.ofMinutes(1)))
                    .expectError()
                    .verify(TIMEOUT);
        } finally {
            unreachable.shutdown();
        }
    }
}
