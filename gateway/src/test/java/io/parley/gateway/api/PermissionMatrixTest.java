package io.parley.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import io.parley.core.model.ApiKeyScope;
import io.parley.core.model.Permission;
import io.parley.core.model.Role;
import io.parley.gateway.testing.ApiClient;
import io.parley.gateway.testing.ApiEndpoints;
import io.parley.gateway.testing.GatewayIntegrationTest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

/**
 * Walks the whole permission matrix over real HTTPS: every REST endpoint × every role, an API key with
 * each single scope and with all of them, another workspace's operator and API key, and no credentials.
 * The expected permission of each endpoint is declared here, apart from the controllers; an endpoint
 * that is not declared fails the test, so no endpoint escapes the walk. A denied caller must get 403 (404
 * from another workspace, 401 without credentials); an allowed one must never get 401 or 403 (its
 * placeholder ids and empty bodies may well be answered 400 or 404 — the gate let it through).
 */
class PermissionMatrixTest extends GatewayIntegrationTest {
    private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z]+)}");
    private static final String WS = "/api/v1/workspaces/{workspaceId}";

    /** Workspace-scoped endpoints and the permission each needs. */
    static final Map<String, Permission> WORKSPACE_ENDPOINTS = new LinkedHashMap<>();
    /** Endpoints outside a workspace that need some signed-in caller (operator or key). */
    static final Set<String> AUTHENTICATED_ENDPOINTS = new TreeSet<>();

    static {
        WORKSPACE_ENDPOINTS.put("GET " + WS, Permission.WORKSPACE_READ);
        WORKSPACE_ENDPOINTS.put("PATCH " + WS, Permission.WORKSPACE_UPDATE);
        WORKSPACE_ENDPOINTS.put("GET " + WS + "/members", Permission.MEMBERS_READ);
        WORKSPACE_ENDPOINTS.put("PATCH " + WS + "/members/{operatorId}", Permission.MEMBERS_MANAGE);
        WORKSPACE_ENDPOINTS.put("DELETE " + WS + "/members/{operatorId}", Permission.MEMBERS_MANAGE);
        WORKSPACE_ENDPOINTS.put("GET " + WS + "/invites", Permission.MEMBERS_MANAGE);
        WORKSPACE_ENDPOINTS.put("POST " + WS + "/invites", Permission.MEMBERS_MANAGE);
        WORKSPACE_ENDPOINTS.put("DELETE " + WS + "/invites/{inviteId}", Permission.MEMBERS_MANAGE);
        WORKSPACE_ENDPOINTS.put("GET " + WS + "/api-keys", Permission.API_KEYS_MANAGE);
        WORKSPACE_ENDPOINTS.put("POST " + WS + "/api-keys", Permission.API_KEYS_MANAGE);
        WORKSPACE_ENDPOINTS.put("POST " + WS + "/api-keys/{keyId}/rotate", Permission.API_KEYS_MANAGE);
        WORKSPACE_ENDPOINTS.put("DELETE " + WS + "/api-keys/{keyId}", Permission.API_KEYS_MANAGE);
        WORKSPACE_ENDPOINTS.put("GET " + WS + "/conversations", Permission.CONVERSATIONS_READ);
        WORKSPACE_ENDPOINTS.put("GET " + WS + "/conversations/{conversationId}", Permission.CONVERSATIONS_READ);
        WORKSPACE_ENDPOINTS.put("GET " + WS + "/visitors", Permission.VISITORS_READ);
        WORKSPACE_ENDPOINTS.put("GET " + WS + "/visitors/{visitorId}", Permission.VISITORS_READ);
        WORKSPACE_ENDPOINTS.put("GET " + WS + "/visitors/{visitorId}/export", Permission.VISITORS_EXPORT);
        WORKSPACE_ENDPOINTS.put("DELETE " + WS + "/visitors/{visitorId}", Permission.VISITORS_DELETE);
        WORKSPACE_ENDPOINTS.put("GET " + WS + "/audit-events", Permission.AUDIT_READ);
        WORKSPACE_ENDPOINTS.put("GET " + WS + "/bots", Permission.BOTS_READ);
        WORKSPACE_ENDPOINTS.put("POST " + WS + "/bots", Permission.BOTS_WRITE);
        WORKSPACE_ENDPOINTS.put("GET " + WS + "/bots/{botId}", Permission.BOTS_READ);
        WORKSPACE_ENDPOINTS.put("PATCH " + WS + "/bots/{botId}", Permission.BOTS_WRITE);
        WORKSPACE_ENDPOINTS.put("DELETE " + WS + "/bots/{botId}", Permission.BOTS_WRITE);
        WORKSPACE_ENDPOINTS.put("GET " + WS + "/widget-keys", Permission.WIDGET_KEYS_READ);
        WORKSPACE_ENDPOINTS.put("POST " + WS + "/widget-keys", Permission.WIDGET_KEYS_WRITE);
        WORKSPACE_ENDPOINTS.put("PATCH " + WS + "/widget-keys/{key}", Permission.WIDGET_KEYS_WRITE);
        WORKSPACE_ENDPOINTS.put("GET " + WS + "/bots/{botId}/knowledge", Permission.KNOWLEDGE_READ);
        WORKSPACE_ENDPOINTS.put("POST " + WS + "/bots/{botId}/knowledge", Permission.KNOWLEDGE_WRITE);
        WORKSPACE_ENDPOINTS.put("GET " + WS + "/bots/{botId}/knowledge/{entryId}", Permission.KNOWLEDGE_READ);
        WORKSPACE_ENDPOINTS.put("PUT " + WS + "/bots/{botId}/knowledge/{entryId}", Permission.KNOWLEDGE_WRITE);
        WORKSPACE_ENDPOINTS.put("DELETE " + WS + "/bots/{botId}/knowledge/{entryId}", Permission.KNOWLEDGE_WRITE);
        WORKSPACE_ENDPOINTS.put("POST " + WS + "/bots/{botId}/knowledge/import", Permission.KNOWLEDGE_WRITE);
        WORKSPACE_ENDPOINTS.put("GET " + WS + "/bots/{botId}/identity", Permission.BOTS_READ);
        WORKSPACE_ENDPOINTS.put("PUT " + WS + "/bots/{botId}/identity", Permission.BOTS_WRITE);
        WORKSPACE_ENDPOINTS.put("POST " + WS + "/bots/{botId}/identity/secrets", Permission.BOTS_WRITE);
        WORKSPACE_ENDPOINTS.put("DELETE " + WS + "/bots/{botId}/identity/secrets/{secretId}", Permission.BOTS_WRITE);

        AUTHENTICATED_ENDPOINTS.add("GET /api/v1/me");
        AUTHENTICATED_ENDPOINTS.add("GET /api/v1/workspaces");
        AUTHENTICATED_ENDPOINTS.add("POST /api/v1/workspaces");
        AUTHENTICATED_ENDPOINTS.add("POST /api/v1/invites/accept");
        AUTHENTICATED_ENDPOINTS.add("GET /api/v1/api-key/whoami");
    }

    /** Placeholder values for path variables other than the workspace: well-formed ids of nothing. */
    private static final Map<String, String> PLACEHOLDERS = Map.ofEntries(
            Map.entry("operatorId", "o_matrixnobody"), Map.entry("inviteId", "inv_matrixnobody"),
            Map.entry("keyId", "ak_matrixnobody"), Map.entry("botId", "b_matrixnobody"),
            Map.entry("entryId", "ke_matrixnobody"), Map.entry("key", "pk_matrixnobody"),
            Map.entry("conversationId", "c_matrixnobody"), Map.entry("visitorId", "v_matrixnobody"),
            Map.entry("secretId", "is_matrixnobody"));

    @Autowired
    private ApplicationContext context;
    @Autowired
    private RequestMappingHandlerMapping mappings;
    private ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(https(), context);
    }

    private record Caller(String name, @Nullable String bearer, @Nullable Role role, Set<ApiKeyScope> scopes) {
        boolean allowed(Permission permission) {
            return role != null ? permission.allows(role) : permission.scope().map(scopes::contains).orElse(false);
        }
    }

    @Test
    void everyEndpointIsInTheMatrixAndEveryEndpointInTheMatrixExists() {
        Set<String> served = servedEndpoints();
        Set<String> declared = new TreeSet<>(WORKSPACE_ENDPOINTS.keySet());
        declared.addAll(AUTHENTICATED_ENDPOINTS);
        assertThat(declared).as("declared endpoints that do not exist").isSubsetOf(served);
        assertThat(served).as("endpoints missing from the permission matrix").isSubsetOf(declared);
    }

    @Test
    void noCallerIsEverAllowedWhatTheMatrixDenies() {
        ApiClient.Session owner = api.newOwner("matrix");
        String workspace = owner.workspace();
        List<Caller> callers = new ArrayList<>();
        callers.add(new Caller("owner", owner.bearer(), Role.OWNER, Set.of()));
        for (Role role : List.of(Role.MANAGER, Role.AGENT, Role.VIEWER)) {
            callers.add(new Caller(role.wire(), api.member(workspace, role).bearer(), role, Set.of()));
        }
        for (ApiKeyScope scope : ApiKeyScope.values()) {
            callers.add(new Caller("key " + scope.wire(), apiKey(owner, Set.of(scope)), null, Set.of(scope)));
        }
        callers.add(new Caller("key with every scope", apiKey(owner, EnumSet.allOf(ApiKeyScope.class)), null,
                EnumSet.allOf(ApiKeyScope.class)));
        ApiClient.Session stranger = api.newOwner("matrix-stranger");
        String strangersKey = apiKey(stranger, EnumSet.allOf(ApiKeyScope.class));

        List<String> violations = new ArrayList<>();
        int requests = 0;
        for (Map.Entry<String, Permission> endpoint : WORKSPACE_ENDPOINTS.entrySet()) {
            HttpMethod method = HttpMethod.valueOf(endpoint.getKey().split(" ")[0]);
            String path = concrete(endpoint.getKey().split(" ")[1], workspace);
            String body = method == HttpMethod.GET || method == HttpMethod.DELETE ? null : "{}";
            for (Caller caller : callers) {
                int status = api.send(method, caller.bearer(), path, body).status();
                requests++;
                boolean allowed = caller.allowed(endpoint.getValue());
                if (allowed ? status == 401 || status == 403 : status != 403) {
                    violations.add(caller.name() + " → " + endpoint.getKey() + " (" + endpoint.getValue().wire()
                            + "): " + status + (allowed ? ", expected to pass the gate" : ", expected 403"));
                }
            }
            for (String outsider : List.of(stranger.bearer(), strangersKey)) {
                int status = api.send(method, outsider, path, body).status();
                requests++;
                if (status != 404) {
                    violations.add("another workspace's " + (outsider.startsWith("sk_") ? "key" : "owner") + " → "
                            + endpoint.getKey() + ": " + status + ", expected 404");
                }
            }
            int anonymous = api.send(method, null, path, body).status();
            requests++;
            if (anonymous != 401) {
                violations.add("no credentials → " + endpoint.getKey() + ": " + anonymous + ", expected 401");
            }
        }
        for (String endpoint : AUTHENTICATED_ENDPOINTS) {
            HttpMethod method = HttpMethod.valueOf(endpoint.split(" ")[0]);
            int anonymous = api.send(method, null, endpoint.split(" ")[1],
                    method == HttpMethod.GET ? null : "{}").status();
            requests++;
            if (anonymous != 401) {
                violations.add("no credentials → " + endpoint + ": " + anonymous + ", expected 401");
            }
        }
        assertThat(violations).as("permission violations out of " + requests + " requests").isEmpty();
        assertThat(requests).isGreaterThan(WORKSPACE_ENDPOINTS.size() * callers.size());
    }

    private String apiKey(ApiClient.Session owner, Set<ApiKeyScope> scopes) {
        String json = "{\"name\":\"matrix\",\"scopes\":[" + String.join(",", scopes.stream()
                .map(scope -> "\"" + scope.wire() + "\"").toList()) + "]}";
        ApiClient.Reply created = api.post(owner.bearer(), "/api/v1/workspaces/" + owner.workspace() + "/api-keys", json);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("key").asString();
    }

    private static String concrete(String template, String workspace) {
        Matcher matcher = VARIABLE.matcher(template);
        StringBuilder path = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String value = "workspaceId".equals(name) ? workspace : PLACEHOLDERS.get(name);
            assertThat(value).as("a placeholder for {" + name + "}").isNotNull();
            matcher.appendReplacement(path, value);
        }
        matcher.appendTail(path);
        return path.toString();
    }

    /** Every /api/v1 endpoint except the login endpoints under /api/v1/auth. */
    private Set<String> servedEndpoints() {
        Set<String> served = new TreeSet<>(ApiEndpoints.served(mappings, "/api/v1/"));
        served.removeIf(endpoint -> endpoint.split(" ")[1].startsWith("/api/v1/auth/"));
        return served;
    }
}
