package io.parley.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.model.Author;
import io.parley.core.model.AuthorRole;
import io.parley.core.model.ConversationId;
import io.parley.core.model.Finish;
import io.parley.core.model.HandoffState;
import io.parley.core.model.MessageId;
import io.parley.core.model.StoredEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveSignalCodecTest {
    @Test
    void everyPublishedSignalSurvivesTheRoundTrip() {
        ConversationId c = new ConversationId("c_1");
        MessageId m = new MessageId("m_1");
        Author bot = new Author(AuthorRole.BOT, "b_1", "Bot ✨");
        Instant at = Instant.parse("2026-03-04T05:06:07.123456Z");
        List<LiveSignal> signals = List.of(
                new LiveSignal.Stored(new StoredEvent.Message(c, 1, m, bot, "hé \"quoted\"", at, "cm1", null)),
                new LiveSignal.Stored(new StoredEvent.Message(c, 2, m, bot, "", at, null, Finish.LENGTH)),
                new LiveSignal.Stored(new StoredEvent.Handoff(c, 3, HandoffState.ASSIGNED, "Ann", at)),
                new LiveSignal.Stored(new StoredEvent.Handoff(c, 4, HandoffState.REQUESTED, null, at)),
                new LiveSignal.ReplyStart(c, m, bot),
                new LiveSignal.ReplyDelta(c, m, 42, "piece"),
                new LiveSignal.ReplyEnd(c, m, 5, Finish.INTERRUPTED, 42),
                new LiveSignal.Typing(c, bot, true),
                new LiveSignal.CancelReply(c, m));
        LiveSignalCodec codec = new LiveSignalCodec();
        for (LiveSignal signal : signals) {
            assertThat(codec.decode(codec.encode(signal))).isEqualTo(signal);
        }
    }
}
