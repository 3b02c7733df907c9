package io.parley.gateway.widget;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.gateway.testing.Browsers;
import io.parley.gateway.testing.ExtraNodes;
import io.parley.gateway.testing.GatewayIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * Base of the widget's browser tests (one shared gateway): each test gets a network of its own between
 * the browser and the gateway ({@link CuttableProxy}) and a customer site on an origin of its own
 * ({@link HostPage}) embedding the widget from the gateway through that network. The demo page is on,
 * with a key of the tests; knowledge-base answers stream slowly enough to be seen streaming. Nodes started
 * by a test ({@link ExtraNodes}) get event loops of their own, so stopping one leaves this one serving.
 */
@Import(ExtraNodes.OwnEventLoops.class)
@TestPropertySource(properties = {
        "parley.widget.demo-page=true",
        "parley.widget.demo-key=" + WidgetBrowserTest.DEMO_KEY,
        "parley.bots.knowledge-piece-interval=100ms"})
abstract class WidgetBrowserTest extends GatewayIntegrationTest {
    static final String DEMO_KEY = "pk_twidget_demo";

    protected CuttableProxy network;
    protected HostPage site;

    @BeforeEach
    void siteAndNetwork() {
        Browsers.requireInstalled();
        network = new CuttableProxy(httpsPort);
        site = new HostPage(CERTIFICATE, "https://localhost:" + network.port());
    }

    @AfterEach
    void closeSiteAndNetwork() {
        site.close();
        network.close();
    }
}
