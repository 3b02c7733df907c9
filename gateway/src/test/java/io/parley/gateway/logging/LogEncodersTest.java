package io.parley.gateway.logging;

import static net.logstash.logback.argument.StructuredArguments.kv;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Both encoders mask before writing: in the message, in fields and in stack traces. */
class LogEncodersTest {
    private static final String API_KEY = "sk_Q2hhdEdhdGV3YXlTZWNyZXRLZXlGb3JUZXN0aW5nMTIz";
    private static final String REFRESH = "cmVmcmVzaC10b2tlbi1vZi10aGlydHktdHdvLWJ5dGVz";
    private static final String EMAIL = "jane.doe@example.com";
    private static final String IP = "203.0.113.77";

    private final LoggerContext context = new LoggerContext();
    private final Logger logger = context.getLogger("io.parley.test");

    private <E extends Encoder<ILoggingEvent>> E started(E encoder) {
        encoder.setContext(context);
        encoder.start();
        return encoder;
    }

    private LoggingEvent event(String message, Throwable error, Object... arguments) {
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.WARN, message, error, arguments);
        event.setMDCPropertyMap(Map.of("clientIp", IP, "visitorEmail", EMAIL, "conversationId", "c_abc"));
        event.addKeyValuePair(new KeyValuePair("refreshToken", REFRESH));
        event.addKeyValuePair(new KeyValuePair("note", "caller " + EMAIL));
        return event;
    }

    private static IllegalStateException failure() {
        return new IllegalStateException("rejected Authorization: Bearer " + API_KEY + " from " + IP,
                new IllegalArgumentException("duplicate key (email)=(" + EMAIL + ")"));
    }

    @Test
    void theJsonEncoderMasksMessageFieldsArgumentsAndStackTrace() {
        JsonLogEncoder encoder = started(new JsonLogEncoder());

        String line = new String(encoder.encode(event("key {} of {} {}", failure(), API_KEY, EMAIL,
                kv("identitySecret", REFRESH))), StandardCharsets.UTF_8);

        assertThat(line).doesNotContain(API_KEY, REFRESH, EMAIL, IP).endsWith("\n");
        JsonNode json = JsonMapper.builder().build().readTree(line);
        assertThat(json.get("message").asString())
                .isEqualTo("key sk_[masked] of [email [masked]] identitySecret=[masked]");
        assertThat(json.get("clientIp").asString()).isEqualTo("203.0.113.x");
        assertThat(json.get("visitorEmail").asString()).isEqualTo(LogRedaction.MASK);
        assertThat(json.get("conversationId").asString()).isEqualTo("c_abc");
        assertThat(json.get("refreshToken").asString()).isEqualTo(LogRedaction.MASK);
        assertThat(json.get("identitySecret").asString()).isEqualTo(LogRedaction.MASK);
        assertThat(json.get("note").asString()).isEqualTo("caller [email [masked]]");
        assertThat(json.get("stack_trace").asString())
                .contains("IllegalStateException: rejected Authorization: [masked]", "duplicate key (email)=([email [masked]])")
                .contains("at io.parley.gateway.logging.LogEncodersTest.failure");
        assertThat(json.get("level").asString()).isEqualTo("WARN");
    }

    @Test
    void theTextEncoderMasksTheWholeLineStackTraceIncluded() {
        TextLogEncoder encoder = started(new TextLogEncoder());

        String text = new String(encoder.encode(event("key {} of {}", failure(), API_KEY, EMAIL)), StandardCharsets.UTF_8);

        assertThat(text).doesNotContain(API_KEY, REFRESH, EMAIL, IP)
                .contains("WARN", "io.parley.test", "key sk_[masked] of [email [masked]]", "refreshToken=[masked]")
                .contains("java.lang.IllegalStateException: rejected Authorization: [masked]")
                .contains("Caused by: java.lang.IllegalArgumentException: duplicate key (email)=([email [masked]])");
        assertThat(text.split("IllegalStateException", -1)).as("the stack trace is written once").hasSize(2);
    }

    @Test
    void ordinaryLinesPassUnchanged() {
        TextLogEncoder text = started(new TextLogEncoder());
        JsonLogEncoder json = started(new JsonLogEncoder());
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.INFO,
                "demo workspace seeded: widget keys {} and {}", null, new Object[] {"pk_demo", "pk_loadtest"});
        event.setMDCPropertyMap(Map.of());

        assertThat(new String(text.encode(event), StandardCharsets.UTF_8))
                .contains("demo workspace seeded: widget keys pk_demo and pk_loadtest");
        assertThat(JsonMapper.builder().build().readTree(json.encode(event)).get("message").asString())
                .isEqualTo("demo workspace seeded: widget keys pk_demo and pk_loadtest");
        assertThat(List.of(text.isStarted(), json.isStarted())).containsOnly(true);
    }
}
