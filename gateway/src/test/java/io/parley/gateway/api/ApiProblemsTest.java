package io.parley.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import io.parley.gateway.testing.ApiClient;
import io.parley.gateway.testing.GatewayIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/** Every kind of bad request to /api is answered as RFC 9457 problem details, and changes nothing. */
class ApiProblemsTest extends GatewayIntegrationTest {
    @Autowired
    private ApplicationContext context;
    private ApiClient api;
    private ApiClient.Session owner;

    @BeforeEach
    void client() {
        api = new ApiClient(https(), context);
        owner = api.newOwner("problems");
    }

    private void assertProblem(ApiClient.Reply reply, int status, String type) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(reply.json().get("status").asInt()).isEqualTo(status);
        assertThat(reply.json().get("type").asString()).isEqualTo(ApiProblem.TYPE_BASE + type);
        assertThat(reply.body()).doesNotContain("Exception").doesNotContain("at io.parley");
    }

    @Test
    void unknownPathsWrongMethodsAndMediaTypesAreProblems() {
        assertProblem(api.get(owner.bearer(), "/api/v1/nothing-here"), 404, "not-found");
        assertProblem(api.send(HttpMethod.PUT, owner.bearer(), "/api/v1/workspaces", "{}"), 405, "method-not-allowed");
        assertProblem(api.send(HttpMethod.PATCH, owner.bearer(), "/api/v1/workspaces/" + owner.workspace(), "name=x",
                "application/x-www-form-urlencoded"), 415, "unsupported-media-type");
        assertProblem(api.get(null, "/api/v1/workspaces"), 401, "unauthenticated");
        assertProblem(api.get("sk_" + "x".repeat(43), "/api/v1/workspaces"), 401, "invalid-api-key");
    }

    @Test
    void unreadableUnknownAndOversizedBodiesAreProblemsThatStoreNothing() {
        String path = "/api/v1/workspaces/" + owner.workspace();
        assertProblem(api.patch(owner.bearer(), path, "{\"name\":"), 400, "unreadable-body");
        assertProblem(api.patch(owner.bearer(), path, "[1,2]"), 400, "unreadable-body");
        ApiClient.Reply wrongType = api.patch(owner.bearer(), path, "{\"name\":{\"a\":1}}");
        assertProblem(wrongType, 400, "invalid-request");
        assertThat(wrongType.firstErrorField()).isEqualTo("name");
        ApiClient.Reply unknown = api.patch(owner.bearer(), path, "{\"name\":\"x\",\"plan\":\"free\"}");
        assertProblem(unknown, 400, "invalid-request");
        assertThat(unknown.firstErrorField()).isEqualTo("plan");
        assertProblem(api.patch(owner.bearer(), path, "{\"name\":\"" + "x".repeat(1_100_000) + "\"}"), 413,
                "body-too-large");
        assertThat(api.get(owner.bearer(), path).json().get("name").asString()).isEqualTo("problems workspace");
    }

    @Test
    void sqlIshAndOddTextIsStoredVerbatimNotInterpreted() {
        String path = "/api/v1/workspaces/" + owner.workspace();
        String sqlish = "x'); DROP TABLE workspaces;-- \\u00e9\\u4e2d";
        ApiClient.Reply renamed = api.patch(owner.bearer(), path, "{\"name\":\"" + sqlish + "\"}");
        assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
        assertThat(api.get(owner.bearer(), path).json().get("name").asString())
                .isEqualTo("x'); DROP TABLE workspaces;-- \u00e9\u4e2d");
        assertProblem(api.get(owner.bearer(), "/api/v1/workspaces/w_x'%20OR%20'1'='1"), 404, "not-found");
    }
}
