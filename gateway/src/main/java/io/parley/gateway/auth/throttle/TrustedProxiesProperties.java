package io.parley.gateway.auth.throttle;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The peers whose X-Forwarded-For is believed ({@code parley.auth.trusted-proxies}): IP addresses or
 * CIDR blocks, e.g. the ingress controller's pod network. Empty (the default): the header is ignored.
 */
@ConfigurationProperties("parley.auth")
public record TrustedProxiesProperties(@DefaultValue List<String> trustedProxies) {
}
