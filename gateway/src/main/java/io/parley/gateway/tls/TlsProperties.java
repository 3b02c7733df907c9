package io.parley.gateway.tls;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param requireNativeEngine refuse to start unless Netty's BoringSSL engine is available; only a
 *     developer machine without the native library (e.g. macOS) should turn this off
 */
@Validated
@ConfigurationProperties("parley.tls")
public record TlsProperties(@DefaultValue("true") boolean requireNativeEngine) {
}
