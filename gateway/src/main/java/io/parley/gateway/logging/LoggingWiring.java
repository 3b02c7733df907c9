package io.parley.gateway.logging;

import io.parley.core.port.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.Disposable;

/** What logging needs beyond logback-spring.xml: the daily line that rolls the log files over. */
@Configuration(proxyBeanMethods = false)
public class LoggingWiring {

    @Bean(destroyMethod = "dispose")
    @ConditionalOnExpression("!'${parley.logging.file-dir:}'.isBlank()")
    Disposable dailyLogLine(Clock clock) {
        return DailyLogLine.start(clock);
    }
}
