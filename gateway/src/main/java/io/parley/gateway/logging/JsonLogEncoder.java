package io.parley.gateway.logging;

import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.mask.MaskingJsonGeneratorDecorator;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.TokenStreamContext;

/**
 * One JSON object per line (logstash-logback-encoder's fields: {@code @timestamp}, {@code level},
 * {@code logger_name}, {@code thread_name}, {@code message}, {@code stack_trace}, MDC and key-value
 * pairs), masked by {@link LogRedaction} as it is written: every string value (the message and the
 * stack trace too) is redacted, and fields whose name says they hold a secret are masked whole.
 */
public class JsonLogEncoder extends LogstashEncoder {
    private final MaskingJsonGeneratorDecorator masking = new MaskingJsonGeneratorDecorator();

    public JsonLogEncoder() {
        masking.addFieldMasker(JsonLogEncoder::maskField);
        masking.addValueMasker(JsonLogEncoder::maskValue);
        addDecorator(masking);
    }

    @Override
    public void start() {
        masking.start();
        super.start();
    }

    @Override
    public void stop() {
        super.stop();
        masking.stop();
    }

    private static @Nullable Object maskField(TokenStreamContext context) {
        String name = context.currentName();
        return name != null && LogRedaction.sensitiveField(name) ? LogRedaction.MASK : null;
    }

    private static @Nullable Object maskValue(TokenStreamContext context, Object value) {
        if (!(value instanceof CharSequence text)) {
            return null;
        }
        String original = text.toString();
        String name = context.currentName();
        String masked = name != null && LogRedaction.addressField(name)
                ? LogRedaction.redactAddress(original)
                : LogRedaction.redact(original);
        return masked.equals(original) ? null : masked;
    }
}
