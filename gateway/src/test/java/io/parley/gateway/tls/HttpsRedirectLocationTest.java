package io.parley.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HttpsRedirectLocationTest {

    @Test
    void keepsHostNameAndDropsPort() {
        assertThat(HttpsRedirectServer.hostName("chat.example.com:8080")).isEqualTo("chat.example.com");
        assertThat(HttpsRedirectServer.hostName("chat.example.com")).isEqualTo("chat.example.com");
        assertThat(HttpsRedirectServer.hostName("[::1]:8080")).isEqualTo("[::1]");
        assertThat(HttpsRedirectServer.hostName("127.0.0.1:80")).isEqualTo("127.0.0.1");
    }

    @Test
    void rejectsMissingOrMalformedHost() {
        assertThat(HttpsRedirectServer.hostName(null)).isNull();
        assertThat(HttpsRedirectServer.hostName("")).isNull();
        assertThat(HttpsRedirectServer.hostName("a.example/b")).isNull();
        assertThat(HttpsRedirectServer.hostName("user@a.example")).isNull();
        assertThat(HttpsRedirectServer.hostName("a.example:80:80")).isNull();
    }

    @Test
    void keepsOriginFormTargetAndReducesAbsoluteFormToPathAndQuery() {
        assertThat(HttpsRedirectServer.pathAndQuery("/a/b?c=d%20e")).isEqualTo("/a/b?c=d%20e");
        assertThat(HttpsRedirectServer.pathAndQuery("http://other.example/a?b=c")).isEqualTo("/a?b=c");
        assertThat(HttpsRedirectServer.pathAndQuery("http://other.example")).isEqualTo("/");
        assertThat(HttpsRedirectServer.pathAndQuery("*")).isEqualTo("/");
    }
}
