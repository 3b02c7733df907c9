package io.parley.gateway.widget;

import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The widget's settings.
 *
 * @param scriptMaxAge how long browsers and CDNs may use {@code /widget.js} before asking again (with its
 *     ETag, answered {@code 304} when unchanged); short, because the embed URL carries no version
 * @param demoPage whether {@code /demo} is served (the {@code dev} profile turns it on; 404 otherwise)
 * @param demoKey the widget key the demo page embeds
 */
@Validated
@ConfigurationProperties("parley.widget")
public record WidgetProperties(
        @DurationMin(seconds = 0) @DurationMax(days = 1) @DefaultValue("5m") Duration scriptMaxAge,
        @DefaultValue("false") boolean demoPage,
        @Pattern(regexp = "pk_[A-Za-z0-9_-]{1,125}") @DefaultValue("pk_demo") String demoKey) {
}
