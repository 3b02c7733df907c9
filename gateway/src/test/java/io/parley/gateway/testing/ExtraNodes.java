package io.parley.gateway.testing;

import io.parley.gateway.ParleyApplication;
import java.util.HashMap;
import java.util.Map;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * More gateway nodes in the test's JVM, on their own ports, sharing the database, Redis and keys of
 * the test's node. A test class that starts them imports {@link OwnEventLoops} too.
 */
public final class ExtraNodes {

    private ExtraNodes() {
    }

    /** Starts a node with the test settings plus {@code extra}; close it when done. */
    public static ConfigurableApplicationContext start(Map<String, String> extra) {
        Map<String, String> properties = new HashMap<>(TestBackends.properties());
        properties.put("spring.ssl.bundle.pem.server.keystore.certificate",
                GatewayIntegrationTest.CERTIFICATE.certificate().toString());
        properties.put("spring.ssl.bundle.pem.server.keystore.private-key",
                GatewayIntegrationTest.CERTIFICATE.privateKey().toString());
        properties.putAll(extra);
        // as command-line arguments, which win over application.yml like the first node's test properties
        return new SpringApplicationBuilder(ParleyApplication.class, OwnEventLoops.class)
                .profiles("test")
                .run(properties.entrySet().stream().map(p -> "--" + p.getKey() + "=" + p.getValue())
                        .toArray(String[]::new));
    }

    public static int httpsPort(ConfigurableApplicationContext node) {
        return Integer.parseInt(node.getEnvironment().getRequiredProperty("local.server.port"));
    }

    /**
     * Event loops of each node's own: by default all servers in one JVM share Reactor Netty's global
     * ones, and stopping one node would stop the others' servers too.
     */
    @TestConfiguration(proxyBeanMethods = false)
    public static class OwnEventLoops {
        @Bean
        static BeanPostProcessor ownEventLoops() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessBeforeInitialization(Object bean, String name) {
                    if (bean instanceof ReactorResourceFactory factory) {
                        factory.setUseGlobalResources(false);
                    }
                    return bean;
                }
            };
        }
    }
}
