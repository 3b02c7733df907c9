package io.parley.core.responder;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.model.ConversationId;
import io.parley.core.model.SyntheticSettings;
import io.parley.core.port.Responder;
import io.parley.core.testing.Fixtures;
import io.parley.core.testing.InMemoryPorts;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class ResponderTest {
    private final Responder.ReplyContext context = new Responder.ReplyContext(Fixtures.bot(
            io.parley.core.model.BotLimits.DEFAULTS), new ConversationId("c_1"), "anything");

    @Test
    void syntheticResponderSendsExactlyNTokensAtRTokensPerSecond() {
        StepVerifier.withVirtualTime(() -> new SyntheticResponder(new SyntheticSettings(5, 10),
                        VirtualTimeScheduler.get()).reply(context))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(99))
                .thenAwait(Duration.ofMillis(1))
                .expectNext("tok0")
                .thenAwait(Duration.ofMillis(400))
                .expectNext(" tok1", " tok2", " tok3", " tok4")
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void knowledgeBasePiecesConcatenateToTheWholeText() {
        String text = "Parley streams replies token by token over a TLS WebSocket.";
        assertThat(String.join("", KnowledgeBaseResponder.pieces(text))).isEqualTo(text);
        assertThat(KnowledgeBaseResponder.pieces(text)).hasSizeGreaterThan(2);
    }

    @Test
    void knowledgeBaseBotGreetsAGreetingAndOffersAHumanWhenNothingMatches() {
        KnowledgeBaseResponder responder = new KnowledgeBaseResponder(new InMemoryPorts.Knowledge(), Duration.ZERO);
        StepVerifier.create(responder.reply(new Responder.ReplyContext(context.bot(), context.conversationId(), "Hello!"))
                        .reduce(String::concat))
                .assertNext(t -> assertThat(t).startsWith("Hello! I'm Test Bot"))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(responder.reply(context).reduce(String::concat))
                .expectNext(KnowledgeBaseResponder.NOTHING_FOUND)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }
}
