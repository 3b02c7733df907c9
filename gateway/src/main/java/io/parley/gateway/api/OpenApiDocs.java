package io.parley.gateway.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/**
 * The OpenAPI 3 document ({@code /v3/api-docs}) and its UI ({@code /swagger-ui.html}), generated from the
 * controllers by springdoc, with Parley's three ways to authenticate. The UI's pages get a CSP of their
 * own (self-hosted scripts; inline styles, which Swagger UI needs); everything else keeps the strict default.
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiDocs {
    public static final String ACCESS_TOKEN = "accessToken";
    public static final String API_KEY = "apiKey";
    public static final String SESSION_COOKIE = "sessionCookie";
    static final String UI_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    @Bean
    OpenAPI parleyOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Parley REST API").version("v1")
                        .description("""
                                Workspace administration for Parley. Every error is RFC 9457 problem details \
                                (application/problem+json); lists take ?limit=1..100&cursor= and answer \
                                {items, nextCursor}. Another workspace's ids are answered 404. Roles and API-key \
                                scopes: see the permission matrix in docs/security.md.""")
                        .license(new License().name("Proprietary")))
                .components(new Components()
                        .addSecuritySchemes(ACCESS_TOKEN, new SecurityScheme().type(SecurityScheme.Type.HTTP)
                                .scheme("bearer").bearerFormat("JWT")
                                .description("An operator's access token from login (magic link, Google, Microsoft)."))
                        .addSecuritySchemes(API_KEY, new SecurityScheme().type(SecurityScheme.Type.HTTP)
                                .scheme("bearer").bearerFormat("sk_…")
                                .description("A server API key (Authorization: Bearer sk_…), limited by its scopes."))
                        .addSecuritySchemes(SESSION_COOKIE, new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.COOKIE).name("__Host-parley-access")
                                .description("The console's session cookie; unsafe methods also need X-XSRF-TOKEN.")))
                .addSecurityItem(new SecurityRequirement().addList(ACCESS_TOKEN))
                .addSecurityItem(new SecurityRequirement().addList(API_KEY))
                .addSecurityItem(new SecurityRequirement().addList(SESSION_COOKIE));
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 2)
    WebFilter apiDocsContentSecurityPolicy() {
        return (exchange, chain) -> {
            String path = exchange.getRequest().getPath().value();
            if (path.startsWith("/swagger-ui") || path.startsWith("/webjars/swagger-ui")) {
                exchange.getResponse().beforeCommit(() -> Mono.fromRunnable(() ->
                        exchange.getResponse().getHeaders().set("Content-Security-Policy", UI_CSP)));
            }
            return chain.filter(exchange);
        };
    }
}
