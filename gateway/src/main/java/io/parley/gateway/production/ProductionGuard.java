package io.parley.gateway.production;

import java.util.List;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Runs {@link ProductionChecks} when the {@code prod} profile is active, once the settings are read and
 * the logs configured but before any bean is made (so that no half-started node touches the database,
 * and no other start-up failure hides a problem). Registered in {@code META-INF/spring.factories}, so it
 * guards every way the application starts.
 */
public final class ProductionGuard implements ApplicationListener<ApplicationPreparedEvent> {
    public static final String PROFILE = "prod";

    @Override
    public void onApplicationEvent(ApplicationPreparedEvent event) {
        ConfigurableEnvironment environment = event.getApplicationContext().getEnvironment();
        if (!environment.matchesProfiles(PROFILE)) {
            return;
        }
        List<String> problems = new ProductionChecks(environment).problems();
        if (!problems.isEmpty()) {
            throw new ProductionRefusedException(problems);
        }
    }
}
