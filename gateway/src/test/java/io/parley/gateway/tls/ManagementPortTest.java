package io.parley.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestClients;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;

class ManagementPortTest extends GatewayIntegrationTest {

    @LocalManagementPort
    int managementPort;

    @Test
    void actuatorIsNotServedOnHttpsPort() {
        assertThat(https().get().uri("/actuator/health").response().block(TIMEOUT).status().code()).isEqualTo(404);
        assertThat(https().get().uri("/actuator/prometheus").response().block(TIMEOUT).status().code()).isEqualTo(404);
    }

    @Test
    void healthAnswersOnManagementPortOverPlainHttpWithoutDetails() {
        String body = TestClients.http(managementPort).get().uri("/actuator/health")
                .responseSingle((response, content) -> {
                    assertThat(response.status().code()).isEqualTo(200);
                    return content.asString();
                }).block(TIMEOUT);

        assertThat(body).contains("\"status\":\"UP\"").doesNotContain("components", "details");
    }

    @Test
    void prometheusAndInfoAreExposedOnManagementPort() {
        var prometheus = TestClients.http(managementPort).get().uri("/actuator/prometheus").response().block(TIMEOUT);
        var info = TestClients.http(managementPort).get().uri("/actuator/info").response().block(TIMEOUT);

        assertThat(prometheus.status().code()).isEqualTo(200);
        assertThat(info.status().code()).isEqualTo(200);
    }

    @Test
    void otherActuatorEndpointsAreNotExposed() {
        for (String endpoint : new String[] {"env", "beans", "configprops", "heapdump", "loggers"}) {
            assertThat(TestClients.http(managementPort).get().uri("/actuator/" + endpoint)
                    .response().block(TIMEOUT).status().code()).as(endpoint).isEqualTo(404);
        }
    }

    @Test
    void managementPortListensOnLoopbackOnly() throws SocketException {
        Optional<InetAddress> external = NetworkInterface.networkInterfaces()
                .filter(this::isUpAndNotLoopback)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(Inet4Address.class::isInstance)
                .findFirst();
        Assumptions.assumeTrue(external.isPresent(), "no non-loopback IPv4 address to probe");

        assertThat(canConnect(InetAddress.getLoopbackAddress(), managementPort)).isTrue();
        assertThatThrownBy(() -> connect(external.get(), managementPort)).isInstanceOf(ConnectException.class);
    }

    private boolean isUpAndNotLoopback(NetworkInterface networkInterface) {
        try {
            return networkInterface.isUp() && !networkInterface.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }

    private static boolean canConnect(InetAddress address, int port) {
        try {
            connect(address, port);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static void connect(InetAddress address, int port) throws java.io.IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), (int) TIMEOUT.toMillis());
        }
    }
}
