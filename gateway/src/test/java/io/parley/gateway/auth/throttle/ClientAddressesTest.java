package io.parley.gateway.auth.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

class ClientAddressesTest {
    private final ClientAddresses behindIngress = new ClientAddresses(List.of("10.0.0.0/8", "fd00::/8", "192.0.2.1"));

    private static MockServerWebExchange from(String peer, String... forwardedFor) {
        MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.post("/api/v1/auth/magic-link")
                .remoteAddress(new InetSocketAddress(peer, 44321));
        for (String header : forwardedFor) {
            request.header("X-Forwarded-For", header);
        }
        return MockServerWebExchange.from(request);
    }

    @Test
    void aSpoofedForwardedForFromAnUntrustedPeerIsIgnored() {
        assertThat(behindIngress.of(from("203.0.113.9", "10.0.0.5", "1.2.3.4"))).isEqualTo("203.0.113.9");
        assertThat(new ClientAddresses(List.of()).of(from("10.0.0.2", "1.2.3.4"))).isEqualTo("10.0.0.2");
    }

    @Test
    void behindATrustedProxyTheRightmostUntrustedHopIsTheClient() {
        // the client wrote 1.1.1.1 itself; the ingress appended the address it saw
        assertThat(behindIngress.of(from("10.0.0.2", "1.1.1.1, 198.51.100.9"))).isEqualTo("198.51.100.9");
    }

    @Test
    void aChainOfTrustedProxiesIsWalkedPastAcrossRepeatedHeaders() {
        assertThat(behindIngress.of(from("10.0.0.2", "6.6.6.6, 198.51.100.9", "192.0.2.1,10.1.2.3")))
                .isEqualTo("198.51.100.9");
    }

    @Test
    void aTrustedPeerWithoutTheHeaderIsTheClient() {
        assertThat(behindIngress.of(from("10.0.0.2"))).isEqualTo("10.0.0.2");
    }

    @Test
    void whenEveryHopIsTrustedTheLeftmostIsTheClient() {
        assertThat(behindIngress.of(from("10.0.0.2", "10.9.9.9, 10.0.0.3"))).isEqualTo("10.9.9.9");
    }

    @Test
    void anUnparsableHopStopsTheWalkAtTheLastTrustedProxyAndNoNameIsResolved() {
        assertThat(behindIngress.of(from("10.0.0.2", "198.51.100.9, localhost, 10.0.0.3"))).isEqualTo("10.0.0.3");
        assertThat(behindIngress.of(from("10.0.0.2", "unknown"))).isEqualTo("10.0.0.2");
        assertThat(behindIngress.of(from("10.0.0.2", "999.1.1.1"))).isEqualTo("10.0.0.2");
        assertThat(behindIngress.of(from("10.0.0.2", "01.2.3.4"))).isEqualTo("10.0.0.2");
    }

    @Test
    void portsAndBracketsAreStrippedAndIpv6IsCanonical() {
        assertThat(behindIngress.of(from("10.0.0.2", "198.51.100.9:4711"))).isEqualTo("198.51.100.9");
        assertThat(behindIngress.of(from("10.0.0.2", "[2001:DB8::1]:4711"))).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(behindIngress.of(from("fd00::7", "2001:db8::1"))).isEqualTo("2001:db8:0:0:0:0:0:1");
    }

    @Test
    void ipv6ClientsAreThrottledPerSlash64AndIpv4ClientsPerAddress() {
        assertThat(behindIngress.throttleSubject(from("2001:db8:1:2:aaaa::1")))
                .isEqualTo(behindIngress.throttleSubject(from("2001:db8:1:2:bbbb::9")))
                .isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(behindIngress.throttleSubject(from("10.0.0.2", "198.51.100.9"))).isEqualTo("198.51.100.9");
    }

    @Test
    void anExchangeWithoutPeerIsUnknown() {
        assertThat(behindIngress.of(MockServerWebExchange.from(MockServerHttpRequest.get("/"))))
                .isEqualTo(ClientAddresses.UNKNOWN);
    }

    @Test
    void aMisconfiguredTrustedProxyFailsAtStartup() {
        for (String entry : List.of("ingress.local", "10.0.0.0/33", "10.0.0.0/x", "")) {
            assertThatThrownBy(() -> new ClientAddresses(List.of(entry))).as(entry)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
