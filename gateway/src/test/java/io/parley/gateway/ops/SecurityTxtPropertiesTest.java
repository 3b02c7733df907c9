package io.parley.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SecurityTxtPropertiesTest {

    @Test
    void acceptsValidityUnderOneYearOnly() {
        assertThat(withValidity(Duration.ofDays(180)).isValidityBelowOneYear()).isTrue();
        assertThat(withValidity(Duration.ofDays(365)).isValidityBelowOneYear()).isFalse();
        assertThat(withValidity(Duration.ZERO).isValidityBelowOneYear()).isFalse();
    }

    private static SecurityTxtProperties withValidity(Duration validity) {
        return new SecurityTxtProperties(URI.create("mailto:a@b.example"), URI.create("https://b.example/p"),
                "en", null, validity);
    }
}
