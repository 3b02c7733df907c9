package io.parley.gateway.widget;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.gateway.testing.GatewayIntegrationTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import reactor.netty.http.client.HttpClientResponse;

/** {@code /widget.js} over HTTPS, and the script itself: small, and nothing in it a strict CSP would block. */
class WidgetScriptTest extends GatewayIntegrationTest {

    private record Fetched(HttpClientResponse response, byte[] body) {
        String header(String name) {
            return response.responseHeaders().get(name);
        }
    }

    private Fetched fetch(String path, String acceptEncoding, String ifNoneMatch) {
        return https()
                .headers(headers -> {
                    if (acceptEncoding != null) {
                        headers.set("Accept-Encoding", acceptEncoding);
                    }
                    if (ifNoneMatch != null) {
                        headers.set("If-None-Match", ifNoneMatch);
                    }
                })
                .get().uri(path)
                .responseSingle((response, body) -> body.asByteArray().defaultIfEmpty(new byte[0])
                        .map(bytes -> new Fetched(response, bytes)))
                .block(TIMEOUT);
    }

    @Test
    void theScriptIsServedGzippedAsJavaScriptCacheableAndLoadableFromAnyOrigin() throws IOException {
        Fetched gzipped = fetch("/widget.js", "gzip, deflate, br", null);

        assertThat(gzipped.response().status().code()).isEqualTo(200);
        assertThat(gzipped.header("Content-Type")).isEqualTo("text/javascript;charset=UTF-8");
        assertThat(gzipped.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(gzipped.header("Vary")).isEqualTo("Accept-Encoding");
        assertThat(gzipped.header("Cache-Control")).isEqualTo("max-age=300, public");
        assertThat(gzipped.header("ETag")).matches("\"[0-9a-f]{24}-gz\"");
        assertThat(gzipped.header("Cross-Origin-Resource-Policy")).isEqualTo("cross-origin");
        assertThat(gzipped.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(gzipped.header("Access-Control-Allow-Origin")).as("a script tag needs no CORS").isNull();
        assertThat(gunzip(gzipped.body())).isEqualTo(source());
        assertThat(gzipped.body().length).as("gzipped size (README: under 15 KB)").isLessThan(15 * 1024);

        Fetched plain = fetch("/widget.js", null, null);
        assertThat(plain.header("Content-Encoding")).isNull();
        assertThat(plain.body()).isEqualTo(source());
        assertThat(plain.header("ETag")).matches("\"[0-9a-f]{24}\"")
                .isEqualTo(gzipped.header("ETag").replace("-gz", ""));

        assertThat(fetch("/widget.js", "gzip;q=0, identity", null).header("Content-Encoding")).isNull();
    }

    @Test
    void anUnchangedScriptIsAnswered304WithoutABody() {
        String etag = fetch("/widget.js", "gzip", null).header("ETag");

        Fetched again = fetch("/widget.js", "gzip", etag);

        assertThat(again.response().status().code()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.header("ETag")).isEqualTo(etag);
        assertThat(again.header("Cache-Control")).isEqualTo("max-age=300, public");
        assertThat(fetch("/widget.js", null, etag).response().status().code())
                .as("the same content in another encoding is not sent again either").isEqualTo(304);
        assertThat(fetch("/widget.js", "gzip", "\"0123456789abcdef01234567\"").response().status().code())
                .isEqualTo(200);
    }

    @Test
    void theScriptUsesNoHtmlSinkEvalOrInlineStyleThatAStrictPolicyWouldBlock() throws IOException {
        String script = new String(source(), java.nio.charset.StandardCharsets.UTF_8);
        for (String forbidden : List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                "new Function", "setAttribute('style'", ".style.", "cssText", "javascript:")) {
            assertThat(script).as("widget.js uses " + forbidden).doesNotContain(forbidden);
        }
    }

    @Test
    void theDemoPageIsNotServedUnlessSwitchedOn() {
        assertThat(fetch("/demo", null, null).response().status().code()).isEqualTo(404);
        assertThat(fetch("/demo/demo.js", null, null).response().status().code()).isEqualTo(404);
    }

    @Test
    void acceptEncodingIsReadAsHttpSaysIncludingQualityZero() {
        assertThat(WidgetScriptController.acceptsGzip(List.of("gzip"))).isTrue();
        assertThat(WidgetScriptController.acceptsGzip(List.of("br", "GZIP;q=0.5"))).isTrue();
        assertThat(WidgetScriptController.acceptsGzip(List.of("*"))).isTrue();
        assertThat(WidgetScriptController.acceptsGzip(List.of("gzip;q=0"))).isFalse();
        assertThat(WidgetScriptController.acceptsGzip(List.of("gzip; q=0.000"))).isFalse();
        assertThat(WidgetScriptController.acceptsGzip(List.of("identity, br"))).isFalse();
        assertThat(WidgetScriptController.acceptsGzip(List.of())).isFalse();
    }

    private static byte[] source() throws IOException {
        try (InputStream in = new ClassPathResource("widget/widget.js").getInputStream()) {
            return in.readAllBytes();
        }
    }

    private static byte[] gunzip(byte[] gzipped) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return in.readAllBytes();
        }
    }
}
