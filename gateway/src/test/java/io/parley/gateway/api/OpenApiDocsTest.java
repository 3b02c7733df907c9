package io.parley.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.gateway.testing.ApiClient;
import io.parley.gateway.testing.ApiEndpoints;
import io.parley.gateway.testing.GatewayIntegrationTest;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/** The OpenAPI document covers every REST endpoint and names the three ways to authenticate; its UI loads. */
class OpenApiDocsTest extends GatewayIntegrationTest {
    @Autowired
    private ApplicationContext context;
    @Autowired
    private RequestMappingHandlerMapping mappings;
    private ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(https(), context);
    }

    @Test
    void theDocumentDescribesEveryApiEndpointWithItsAuthSchemes() {
        ApiClient.Reply docs = api.get(null, "/v3/api-docs");
        assertThat(docs.status()).as(docs.body()).isEqualTo(200);
        JsonNode document = docs.json();
        assertThat(document.get("openapi").asString()).startsWith("3.");

        Set<String> documented = new TreeSet<>();
        document.get("paths").properties().forEach(path -> path.getValue().properties()
                .forEach(operation -> documented.add(operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey())));
        Set<String> served = ApiEndpoints.served(mappings, "/api/v1/");
        assertThat(served).isNotEmpty();
        assertThat(documented).containsAll(served);

        JsonNode schemes = document.get("components").get("securitySchemes");
        assertThat(schemes.get(OpenApiDocs.ACCESS_TOKEN).get("scheme").asString()).isEqualTo("bearer");
        assertThat(schemes.get(OpenApiDocs.API_KEY).get("bearerFormat").asString()).isEqualTo("sk_…");
        assertThat(schemes.get(OpenApiDocs.SESSION_COOKIE).get("in").asString()).isEqualTo("cookie");
    }

    @Test
    void theUiIsServedWithItsOwnContentSecurityPolicy() {
        ApiClient.Reply page = api.get(null, "/webjars/swagger-ui/index.html");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("swagger-ui");
        assertThat(page.header("Content-Security-Policy")).isEqualTo(OpenApiDocs.UI_CSP).doesNotContain("unsafe-eval");
        assertThat(api.get(null, "/api/v1/workspaces").header("Content-Security-Policy")).contains("default-src 'none'");
    }
}
