package io.parley.gateway.ops;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The small Spring context an operator command runs in ({@code admin verify-audit-trail}, {@code create-owner},
 * {@code scripts/backup}, {@code scripts/encryption-keys}): only the configuration class it names, no web
 * server, no banner, warnings only, so the command's own output is what the operator reads.
 */
public final class CommandContexts {
    private CommandContexts() {
    }

    public static ConfigurableApplicationContext start(Class<?> settings, List<String> springArgs) {
        List<String> args = new ArrayList<>(springArgs);
        args.add("--logging.level.root=warn");
        return new SpringApplicationBuilder(settings)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .run(args.toArray(String[]::new));
    }
}
