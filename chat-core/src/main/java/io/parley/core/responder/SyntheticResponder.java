package io.parley.core.responder;

import io.parley.core.model.SyntheticSettings;
import io.parley.core.port.Responder;
import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The load-test bot: exactly {@code tokens} tokens at {@code tokensPerSecond}, the same text for the
 * same question, so load tests can check what they receive.
 */
public final class SyntheticResponder implements Responder {
    private final SyntheticSettings settings;
    private final Scheduler scheduler;

    public SyntheticResponder(SyntheticSettings settings) {
        this(settings, Schedulers.parallel());
    }

    public SyntheticResponder(SyntheticSettings settings, Scheduler scheduler) {
        this.settings = settings;
        this.scheduler = scheduler;
    }

    @Override
    public Flux<String> reply(ReplyContext context) {
        Duration interval = Duration.ofNanos(1_000_000_000L / settings.tokensPerSecond());
        return Flux.interval(interval, scheduler)
                .take(settings.tokens())
                .onBackpressureBuffer()
                .map(i -> token(i));
    }

    static String token(long index) {
        return (index == 0 ? "" : " ") + "tok" + index;
    }
}
