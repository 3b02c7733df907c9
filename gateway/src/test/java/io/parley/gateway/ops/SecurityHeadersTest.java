package io.parley.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.gateway.testing.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;

class SecurityHeadersTest extends GatewayIntegrationTest {

    @Test
    void everyHttpsResponseCarriesTheSafeDefaultHeaders() {
        for (String path : new String[] {"/.well-known/security.txt", "/no-such-page"}) {
            var headers = https().get().uri(path).response().block(TIMEOUT).responseHeaders();
            SecurityHeadersWebFilter.DEFAULTS.forEach((name, value) ->
                    assertThat(headers.get(name)).as(path + " " + name).isEqualTo(value));
        }
    }
}
