package io.parley.gateway.logging;

import io.parley.core.port.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.Disposable;
import reactor.core.Disposables;

/** What logging needs beyond logback-spring.xml: the daily line that rolls the log files over. */
@Configuration(proxyBeanMethods = false)
public class LoggingWiring {

    @Bean(destroyMethod = "dispose")
    Disposable dailyLogLine(LoggingProperties logging, Clock clock) {
        // without log files there is nothing to roll over
        return logging.fileDir().isBlank() ? Disposables.disposed() : DailyLogLine.start(clock);
    }
}
