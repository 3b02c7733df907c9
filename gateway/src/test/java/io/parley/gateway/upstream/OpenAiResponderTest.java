package io.parley.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.core.model.Bot;
import io.parley.core.model.BotId;
import io.parley.core.model.BotLimits;
import io.parley.core.model.ConversationId;
import io.parley.core.model.KnowledgeEntry;
import io.parley.core.model.OpenAiUpstream;
import io.parley.core.model.ResponderKind;
import io.parley.core.model.SyntheticSettings;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Responder;
import io.parley.core.port.Responder.ReplyContext;
import io.parley.core.responder.KnowledgeBaseResponder;
import io.parley.core.testing.InMemoryPorts;
import io.parley.gateway.upstream.FakeOpenAi.Mode;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The openai responder against a fake OpenAI-compatible server over real HTTP, case by case. */
class OpenAiResponderTest {
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final String KEY = "sk-test-never-logged";
    private static final String QUESTION = "What are your opening hours?";
    private static final String KNOWLEDGE_ANSWER = "We are open from 9 to 5 on weekdays.";
    private static final String FALLBACK = KNOWLEDGE_ANSWER + OpenAiResponder.HUMAN_OFFER;
    private static final String MODEL_ANSWER = String.join("", FakeOpenAi.ANSWER);
    private static final Bot BOT = new Bot(new BotId("b_upstream"), new WorkspaceId("w_upstream"), "Ada",
            "Hi, I'm Ada!", ResponderKind.OPENAI, SyntheticSettings.DEFAULT, BotLimits.DEFAULTS);
    private static final ReplyContext CONTEXT = new ReplyContext(BOT, new ConversationId("c_upstream"), QUESTION);

    private final FakeOpenAi fake = new FakeOpenAi();
    private SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final InMemoryPorts.Knowledge knowledge = new InMemoryPorts.Knowledge();
    private ResilientUpstream upstream = resilient(2);

    {
        knowledge.entries.add(new KnowledgeEntry("k1", BOT.id(), "Opening hours", KNOWLEDGE_ANSWER));
    }

    private ResilientUpstream resilient(int maxConcurrentStreams) {
        // generous for a loaded 2-core machine: a stall is still told from a slow start
        return resilient(maxConcurrentStreams, Duration.ofMillis(1500));
    }

    private ResilientUpstream resilient(int maxConcurrentStreams, Duration tokenTimeouts) {
        return new ResilientUpstream(properties(maxConcurrentStreams, tokenTimeouts), meters);
    }

    private static UpstreamProperties properties(int maxConcurrentStreams, Duration tokenTimeouts) {
        return new UpstreamProperties(Duration.ofSeconds(2), tokenTimeouts, tokenTimeouts, maxConcurrentStreams, 2,
                Duration.ofMillis(20), Duration.ofSeconds(2), 4, 4, 50, Duration.ofSeconds(60), Duration.ofSeconds(60),
                10_000);
    }

    private OpenAiResponder responder(String baseUrl) {
        return new OpenAiResponder(bot -> Mono.just(new OpenAiUpstream(baseUrl, "gpt-test", KEY)), knowledge,
                new KnowledgeBaseResponder(knowledge, Duration.ZERO), upstream);
    }

    private String answer() {
        return responder(fake.baseUrl()).reply(CONTEXT).collectList().map(pieces -> String.join("", pieces)).block(BOUND);
    }

    private double errors(String kind) {
        var counter = meters.find("parley.upstream.errors").tag("kind", kind).counter();
        return counter == null ? 0 : counter.count();
    }

    @AfterEach
    void stop() {
        upstream.close();
        fake.close();
    }

    @Test
    void aNormalStreamGivesTheModelsPiecesInOrderAndSendsModelPromptAndKey() {
        StepVerifier.create(responder(fake.baseUrl()).reply(CONTEXT))
                .expectNextSequence(FakeOpenAi.ANSWER)
                .expectComplete()
                .verify(BOUND);

        assertThat(fake.requests()).isEqualTo(1);
        FakeOpenAi.Request request = fake.received().get(0);
        assertThat(request.authorization()).isEqualTo("Bearer " + KEY);
        JsonNode body = JsonMapper.builder().build().readTree(request.body());
        assertThat(body.get("model").asString()).isEqualTo("gpt-test");
        assertThat(body.get("stream").asBoolean()).isTrue();
        JsonNode messages = body.get("messages");
        assertThat(messages.get(0).get("role").asString()).isEqualTo("system");
        assertThat(messages.get(0).get("content").asString())
                .contains("Ada", "Hi, I'm Ada!", "## Opening hours", KNOWLEDGE_ANSWER);
        assertThat(messages.get(1).get("role").asString()).isEqualTo("user");
        assertThat(messages.get(1).get("content").asString()).isEqualTo(QUESTION);
        assertThat(meters.get("parley.upstream.first.token").timer().count()).isEqualTo(1);
        assertThat(meters.get("parley.upstream.streams").gauge().value()).isZero();
    }

    @Test
    void readsStartedAheadAreUsedByTheAnswerToTheirQuestionAndNotReadAgain() {
        AtomicInteger upstreamReads = new AtomicInteger();
        AtomicInteger knowledgeReads = new AtomicInteger();
        OpenAiResponder counting = new OpenAiResponder(bot -> Mono.fromCallable(() -> {
            upstreamReads.incrementAndGet();
            return new OpenAiUpstream(fake.baseUrl(), "gpt-test", KEY);
        }), (bot, question, max) -> {
            knowledgeReads.incrementAndGet();
            return knowledge.search(bot, question, max);
        }, new KnowledgeBaseResponder(knowledge, Duration.ZERO), upstream);

        Responder.Prepared ahead = counting.prepare(BOT, QUESTION);
        await().atMost(BOUND).until(() -> upstreamReads.get() == 1 && knowledgeReads.get() == 1);
        assertThat(fake.requests()).as("reading ahead never asks the model").isZero();
        String answered = String.join("", counting.reply(new ReplyContext(BOT, CONTEXT.conversationId(), QUESTION, ahead))
                .collectList().block(BOUND));

        assertThat(answered).isEqualTo(MODEL_ANSWER);
        assertThat(upstreamReads).hasValue(1);
        assertThat(knowledgeReads).hasValue(1);
        assertThat(fake.received().get(0).body()).contains(KNOWLEDGE_ANSWER);

        // reads for another question are not taken for this one
        Responder.Prepared other = counting.prepare(BOT, "Do you ship abroad?");
        assertThat(counting.reply(new ReplyContext(BOT, CONTEXT.conversationId(), QUESTION, other)).collectList()
                .block(BOUND)).isNotEmpty();
        assertThat(knowledgeReads).hasValue(3);
        other.discard();
    }

    @Test
    void discardedReadsAheadAreCancelled() {
        AtomicBoolean cancelled = new AtomicBoolean();
        OpenAiResponder stalled = new OpenAiResponder(bot -> Mono.<OpenAiUpstream>never().doOnCancel(() -> cancelled.set(true)),
                knowledge, new KnowledgeBaseResponder(knowledge, Duration.ZERO), upstream);

        stalled.prepare(BOT, QUESTION).discard();

        await().atMost(BOUND).untilTrue(cancelled);
        assertThat(fake.requests()).isZero();
    }

    @Test
    void answersOneAfterAnotherReuseTheirConnections() {
        for (int i = 0; i < 5; i++) {
            assertThat(answer()).isEqualTo(MODEL_ANSWER);
        }

        assertThat(fake.requests()).isEqualTo(5);
        // The body is read to its end after [DONE], so the connection goes back to the pool; an answer that
        // starts while the one before is still being read to its end may take a second one.
        assertThat(fake.openedConnections()).as("connections for 5 answers").isLessThanOrEqualTo(2);
        assertThat(fake.closedConnections()).isZero();
    }

    @Test
    void anAnswerEndsAtDoneWithoutWaitingForTheRestOfTheBodyWhichIsGivenUpAfterItsDrainTime() {
        fake.always(Mode.STREAM_THEN_HOLD);
        upstream.close();
        upstream = new ResilientUpstream(properties(2, Duration.ofMillis(1500)), meters, Duration.ofMinutes(5));

        assertThat(answer()).as("within BOUND, long before the 5 minutes the body may take").isEqualTo(MODEL_ANSWER);
        assertThat(fake.closedConnections()).as("still being read").isZero();
        assertThat(errors("idle_timeout")).isZero();
        assertThat(meters.get("parley.upstream.streams").gauge().value()).isZero();
    }

    @Test
    void aBodyThatDoesNotEndAfterDoneHasItsConnectionClosed() {
        fake.always(Mode.STREAM_THEN_HOLD);

        assertThat(answer()).isEqualTo(MODEL_ANSWER);

        await().atMost(BOUND).until(() -> fake.closedConnections() == 1);
    }

    @Test
    void aConnectionDroppedAfterDoneLeavesTheAnswerWholeAndCountsNoFailure() {
        fake.always(Mode.STREAM_THEN_DROP);

        assertThat(answer()).isEqualTo(MODEL_ANSWER);
        assertThat(answer()).as("and the breaker is not bothered").isEqualTo(MODEL_ANSWER);

        await().atMost(BOUND).until(() -> fake.closedConnections() == 2);
        assertThat(meters.find("parley.upstream.errors").counters()).allSatisfy(c -> assertThat(c.count()).isZero());
    }

    @Test
    void aStallBeforeTheFirstTokenFallsBackToTheKnowledgeBaseAfterTheTimeoutWithoutRetrying() {
        fake.always(Mode.STALL_BEFORE_FIRST_TOKEN);
        long started = System.nanoTime();

        assertThat(answer()).isEqualTo(FALLBACK);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("one timeout, no retry after it")
                .isLessThan(Duration.ofSeconds(8));
        assertThat(fake.requests()).isEqualTo(1);
        assertThat(errors("first_token_timeout")).isEqualTo(1);
        await().atMost(BOUND).until(() -> fake.closedConnections() == 1);
    }

    @Test
    void aStallMidStreamKeepsWhatWasSaidThenAddsANoticeAndTheKnowledgeBaseAnswer() {
        fake.always(Mode.STALL_MID_STREAM);

        assertThat(answer()).isEqualTo(FakeOpenAi.ANSWER.get(0) + FakeOpenAi.ANSWER.get(1)
                + OpenAiResponder.CUT_SHORT + FALLBACK);

        assertThat(fake.requests()).isEqualTo(1);
        assertThat(errors("idle_timeout")).isEqualTo(1);
        await().atMost(BOUND).until(() -> fake.closedConnections() == 1);
    }

    @Test
    void a429IsRetriedAfterItsRetryAfterAndThenStreams() {
        fake.then(Mode.RATE_LIMITED);
        long started = System.nanoTime();

        assertThat(answer()).isEqualTo(MODEL_ANSWER);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(fake.requests()).isEqualTo(2);
        assertThat(errors("rate_limited")).isEqualTo(1);
    }

    @Test
    void a429AskingForALongerWaitThanTheCapFallsBackAtOnce() {
        fake.always(Mode.RATE_LIMITED_LONG);
        long started = System.nanoTime();

        assertThat(answer()).isEqualTo(FALLBACK);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(fake.requests()).isEqualTo(1);
    }

    @Test
    void a500IsRetriedTwiceThenTheKnowledgeBaseAnswers() {
        fake.always(Mode.SERVER_ERROR);

        assertThat(answer()).isEqualTo(FALLBACK);

        assertThat(fake.requests()).isEqualTo(3);
        assertThat(errors("server_error")).isEqualTo(3);
    }

    @Test
    void a500OnceThenAStreamIsRetriedIntoTheModelsAnswer() {
        fake.then(Mode.SERVER_ERROR);

        assertThat(answer()).isEqualTo(MODEL_ANSWER);

        assertThat(fake.requests()).isEqualTo(2);
    }

    @Test
    void aConnectionDroppedMidStreamIsNotRetriedAndEndsWithTheNoticeAndTheKnowledgeBaseAnswer() {
        fake.always(Mode.DROP_MID_STREAM);

        assertThat(answer()).isEqualTo(FakeOpenAi.ANSWER.get(0) + FakeOpenAi.ANSWER.get(1)
                + OpenAiResponder.CUT_SHORT + FALLBACK);

        assertThat(fake.requests()).isEqualTo(1);
        assertThat(errors("dropped")).isEqualTo(1);
    }

    @Test
    void malformedEventsFallBackWithoutRetrying() {
        fake.always(Mode.MALFORMED_JSON);
        assertThat(answer()).isEqualTo(FALLBACK);
        fake.always(Mode.MISSING_FIELDS);
        assertThat(answer()).isEqualTo(FALLBACK);

        assertThat(fake.requests()).isEqualTo(2);
        assertThat(errors("malformed")).isEqualTo(2);
    }

    @Test
    void anUnreachableUpstreamFallsBackAfterRetriesWithinTheConnectTimeouts() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String answer = responder("http://127.0.0.1:" + closedPort + "/v1").reply(CONTEXT)
                .collectList().map(pieces -> String.join("", pieces)).block(BOUND);

        assertThat(answer).isEqualTo(FALLBACK);
        assertThat(errors("connect")).isEqualTo(3);
    }

    @Test
    void repeatedFailuresOpenTheBreakerAndThenTheUpstreamIsNotCalled() {
        fake.always(Mode.SERVER_ERROR);
        assertThat(answer()).isEqualTo(FALLBACK); // 3 failed calls
        assertThat(answer()).isEqualTo(FALLBACK); // the 4th opens the breaker, the retry after it is refused
        assertThat(upstream.breakerState(fake.baseUrl())).isEqualTo(CircuitBreaker.State.OPEN);
        int calls = fake.requests();
        assertThat(calls).isEqualTo(4);

        fake.always(Mode.STREAM);
        assertThat(answer()).isEqualTo(FALLBACK);

        assertThat(fake.requests()).isEqualTo(calls);
        assertThat(errors("breaker_open")).isEqualTo(2);
        assertThat(meters.get("resilience4j.circuitbreaker.state").tag("state", "open").gauge().value()).isEqualTo(1);
    }

    @Test
    void rateLimitsDoNotOpenTheBreaker() {
        fake.always(Mode.RATE_LIMITED_LONG);
        for (int i = 0; i < 5; i++) {
            assertThat(answer()).isEqualTo(FALLBACK);
        }

        assertThat(fake.requests()).isEqualTo(5);
        assertThat(upstream.breakerState(fake.baseUrl())).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(errors("rate_limited")).isEqualTo(5);
    }

    @Test
    void beyondTheBulkheadAReplyFallsBackAtOnceWithoutCallingTheUpstream() {
        upstream.close();
        meters = new SimpleMeterRegistry();
        upstream = resilient(2, Duration.ofSeconds(30)); // the two held streams must not time out meanwhile
        fake.always(Mode.STALL_MID_STREAM);
        OpenAiResponder responder = responder(fake.baseUrl());
        List<Disposable> held = List.of(responder.reply(CONTEXT).subscribe(), responder.reply(CONTEXT).subscribe());
        try {
            await().atMost(BOUND).until(() -> fake.requests() == 2);
            assertThat(meters.get("parley.upstream.streams").gauge().value()).isEqualTo(2);

            StepVerifier.create(responder.reply(CONTEXT).collectList().map(pieces -> String.join("", pieces)))
                    .expectNext(FALLBACK)
                    .expectComplete()
                    .verify(BOUND);

            assertThat(fake.requests()).isEqualTo(2);
            assertThat(errors("bulkhead_full")).isEqualTo(1);
        } finally {
            held.forEach(Disposable::dispose);
        }
    }

    @Test
    void cancellingTheReplyClosesTheUpstreamConnectionAtOnce() {
        fake.always(Mode.STALL_MID_STREAM);

        StepVerifier.create(responder(fake.baseUrl()).reply(CONTEXT))
                .expectNext(FakeOpenAi.ANSWER.get(0))
                .thenCancel()
                .verify(BOUND);

        // Nothing else would close it: the reply is gone, so no timeout of it can fire.
        await().atMost(Duration.ofSeconds(2)).until(() -> fake.closedConnections() == 1);
        assertThat(meters.get("parley.upstream.streams").gauge().value()).isZero();
        assertThat(errors("idle_timeout")).isZero();
    }

    @Test
    void aBotWithoutUpstreamSettingsGetsTheKnowledgeBaseAnswer() {
        OpenAiResponder unconfigured = new OpenAiResponder(bot -> Mono.empty(), knowledge,
                new KnowledgeBaseResponder(knowledge, Duration.ZERO), upstream);

        StepVerifier.create(unconfigured.reply(CONTEXT).collectList().map(pieces -> String.join("", pieces)))
                .expectNext(FALLBACK)
                .expectComplete()
                .verify(BOUND);
        assertThat(errors("not_configured")).isEqualTo(1);
        assertThat(fake.requests()).isZero();
    }

    @Test
    void whenNothingMatchesTheFallbackOffersAHumanOnce() {
        fake.always(Mode.SERVER_ERROR);
        ReplyContext unknown = new ReplyContext(BOT, CONTEXT.conversationId(), "Do you sell bicycles?");

        String answer = responder(fake.baseUrl()).reply(unknown).collectList()
                .map(pieces -> String.join("", pieces)).block(BOUND);

        assertThat(answer).containsIgnoringCase("human").doesNotContain(OpenAiResponder.HUMAN_OFFER);
        assertThat(Flux.just(answer.split("human", -1)).count().block(BOUND)).isEqualTo(2);
    }

    @Test
    void theApiKeyIsNeverLoggedEvenWithEveryLoggerAtTrace() {
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        root.addAppender(logged);
        root.setLevel(Level.TRACE);
        try {
            fake.then(Mode.SERVER_ERROR).then(Mode.STREAM).then(Mode.RATE_LIMITED_LONG).then(Mode.DROP_MID_STREAM);
            assertThat(answer()).isEqualTo(MODEL_ANSWER);
            assertThat(answer()).isEqualTo(FALLBACK);
            assertThat(answer()).endsWith(FALLBACK);
        } finally {
            root.setLevel(before);
            root.detachAppender(logged);
        }
        assertThat(fake.received()).extracting(FakeOpenAi.Request::authorization).contains("Bearer " + KEY);
        assertThat(logged.list).isNotEmpty().noneMatch(event -> event.getFormattedMessage().contains(KEY)
                || (event.getThrowableProxy() != null && event.getThrowableProxy().getMessage() != null
                && event.getThrowableProxy().getMessage().contains(KEY)));
    }
}
