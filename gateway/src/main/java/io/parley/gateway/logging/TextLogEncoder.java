package io.parley.gateway.logging;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Human-readable lines for development, masked by {@link LogRedaction} as a whole after the layout ran,
 * so that the message, the key-value pairs and the stack trace are all covered whatever the pattern.
 */
public class TextLogEncoder extends PatternLayoutEncoder {
    public static final String DEFAULT_PATTERN =
            "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %5level [%thread] %logger{39} : %msg %kvp%n%ex";

    @Override
    public void start() {
        if (getPattern() == null) {
            setPattern(DEFAULT_PATTERN);
        }
        super.start();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        Charset charset = getCharset() == null ? StandardCharsets.UTF_8 : getCharset();
        return LogRedaction.redact(getLayout().doLayout(event)).getBytes(charset);
    }
}
