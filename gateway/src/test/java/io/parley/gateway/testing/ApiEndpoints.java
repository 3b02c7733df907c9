package io.parley.gateway.testing;

import java.util.Set;
import java.util.TreeSet;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

/** The REST endpoints the application serves, read from its handler mappings. */
public final class ApiEndpoints {

    private ApiEndpoints() {
    }

    /** "METHOD /path" of every handler method whose path starts with {@code prefix}. */
    public static Set<String> served(RequestMappingHandlerMapping mappings, String prefix) {
        Set<String> served = new TreeSet<>();
        mappings.getHandlerMethods().keySet().forEach(info -> info.getPatternsCondition().getPatterns().forEach(pattern -> {
            String path = pattern.getPatternString();
            if (path.startsWith(prefix)) {
                if (info.getMethodsCondition().getMethods().isEmpty()) {
                    throw new AssertionError("an endpoint without a method: " + path);
                }
                info.getMethodsCondition().getMethods().forEach(method -> served.add(method.name() + " " + path));
            }
        }));
        return served;
    }
}
