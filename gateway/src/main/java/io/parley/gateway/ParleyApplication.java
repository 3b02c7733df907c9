package io.parley.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

// No user-details service: operators never have passwords (Google, Microsoft or magic links only).
@SpringBootApplication(exclude = ReactiveUserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
public class ParleyApplication {
    /** Read by Reactor Netty's HTTP server classes once, when they load: set before any server starts. */
    public static final String LAST_FLUSH_WHEN_NO_READ = "reactor.netty.http.server.lastFlushWhenNoRead";

    static {
        // Reactor Netty 1.3.6 can stop reading a keep-alive connection whose next request arrives before the
        // previous response's operations have terminated (reactor/reactor-netty#4347, #4361; fixed after
        // 1.3.7): the client's request then hangs. With this option the finished operations are released
        // before the next request is looked at, which closes that route. Drop it once Boot brings the fix.
        if (System.getProperty(LAST_FLUSH_WHEN_NO_READ) == null) {
            System.setProperty(LAST_FLUSH_WHEN_NO_READ, "true");
        }
    }

    public static void main(String[] args) {
        SpringApplication.run(ParleyApplication.class, args);
    }
}
