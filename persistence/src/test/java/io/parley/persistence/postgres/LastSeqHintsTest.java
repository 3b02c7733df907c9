package io.parley.persistence.postgres;

import io.parley.core.model.ConversationId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LastSeqHintsTest {

    private static final ConversationId FIRST = new ConversationId("c_first");
    private static final ConversationId SECOND = new ConversationId("c_second");
    private static final ConversationId THIRD = new ConversationId("c_third");

    @Test
    void unknownConversationHintsZero() {
        assertThat(new LastSeqHints(2).lastSeq(FIRST)).isZero();
    }

    @Test
    void keepsTheHighestSeqSeenWhenAppendsFinishOutOfOrder() {
        LastSeqHints hints = new LastSeqHints(2);
        hints.saw(FIRST, 6);
        hints.saw(FIRST, 5);

        assertThat(hints.lastSeq(FIRST)).isEqualTo(6);
    }

    @Test
    void forgetsTheLeastRecentlyUsedConversationBeyondCapacity() {
        LastSeqHints hints = new LastSeqHints(2);
        hints.saw(FIRST, 1);
        hints.saw(SECOND, 2);
        hints.lastSeq(FIRST);
        hints.saw(THIRD, 3);

        assertThat(hints.lastSeq(FIRST)).isEqualTo(1);
        assertThat(hints.lastSeq(SECOND)).isZero();
        assertThat(hints.lastSeq(THIRD)).isEqualTo(3);
    }
}
