package io.parley.gateway.testing;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.parley.core.model.Identity;
import io.parley.core.model.Operator;
import io.parley.core.model.OperatorId;
import io.parley.core.model.Role;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Operators;
import io.parley.core.port.Workspaces;
import io.parley.gateway.auth.session.RefreshSessions;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationContext;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Calls the REST API over real HTTPS as a given caller (an operator's access token or an API key), and
 * makes operators with roles fast: straight through the application's own ports and session issuer,
 * without the magic-link e-mail round trip (which {@code MagicLinkTest} covers).
 *
 * <pre>{@code
 * ApiClient api = new ApiClient(https(), context);
 * ApiClient.Session owner = api.newOwner("acme");
 * ApiClient.Session viewer = api.member(owner.workspace(), Role.VIEWER);
 * ApiClient.Reply reply = api.get(viewer.bearer(), "/api/v1/workspaces/" + owner.workspace() + "/bots");
 * }</pre>
 */
public final class ApiClient {
    public static final Duration TIMEOUT = Duration.ofSeconds(20);
    public static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient https;
    private final ApplicationContext context;

    public ApiClient(HttpClient https, ApplicationContext context) {
        this.https = https;
        this.context = context;
    }

    /** A signed-in operator: its id, e-mail, access token, and the workspace it was made for. */
    public record Session(String operatorId, String email, String bearer, String workspace) {
    }

    public record Reply(int status, HttpHeaders headers, String body) {
        public JsonNode json() {
            return JSON.readTree(body);
        }

        public @Nullable String header(String name) {
            return headers.get(name);
        }

        /** The field of the first field error of a 400 problem. */
        public String firstErrorField() {
            return json().get("errors").get(0).get("field").asString();
        }
    }

    /** A new operator owning a new workspace. */
    public Session newOwner(String who) {
        Operator operator = newOperator(who);
        WorkspaceId workspace = Objects.requireNonNull(context.getBean(Workspaces.class)
                .createOwnedBy(who + " workspace", operator.id()).block(TIMEOUT)).id();
        return session(operator, workspace.value());
    }

    /** A new operator with {@code role} in {@code workspace}. */
    public Session member(String workspace, Role role) {
        Operator operator = newOperator(role.wire());
        context.getBean(Workspaces.class).grant(operator.id(), new WorkspaceId(workspace), role).block(TIMEOUT);
        return session(operator, workspace);
    }

    /** A signed-in operator with exactly this e-mail address, in no workspace yet ({@code workspace} is empty). */
    public Session withEmail(String email) {
        Operator operator = Objects.requireNonNull(context.getBean(Operators.class)
                .findOrCreate(new Identity(Identity.MAGIC_LINK_ISSUER, email), email, "invitee").block(TIMEOUT));
        return session(operator, "");
    }

    /** A fresh session of an existing operator (after a role change ended the old ones). */
    public Session relogin(Session session) {
        Operator operator = Objects.requireNonNull(context.getBean(Operators.class)
                .find(new OperatorId(session.operatorId())).block(TIMEOUT));
        return session(operator, session.workspace());
    }

    public static String uniqueEmail(String who) {
        return who.replaceAll("[^a-z0-9-]", "") + "-" + UUID.randomUUID().toString().substring(0, 8) + "@parley.test";
    }

    private Operator newOperator(String who) {
        String email = uniqueEmail(who);
        return Objects.requireNonNull(context.getBean(Operators.class)
                .findOrCreate(new Identity(Identity.MAGIC_LINK_ISSUER, email), email, who).block(TIMEOUT));
    }

    private Session session(Operator operator, String workspace) {
        RefreshSessions.Session session = Objects.requireNonNull(context.getBean(RefreshSessions.class)
                .start(operator).block(TIMEOUT));
        return new Session(operator.id().value(), Objects.requireNonNull(operator.email()), session.accessToken(),
                workspace);
    }

    public Reply get(@Nullable String bearer, String path) {
        return send(HttpMethod.GET, bearer, path, null);
    }

    public Reply post(@Nullable String bearer, String path, @Nullable String json) {
        return send(HttpMethod.POST, bearer, path, json);
    }

    public Reply put(@Nullable String bearer, String path, @Nullable String json) {
        return send(HttpMethod.PUT, bearer, path, json);
    }

    public Reply patch(@Nullable String bearer, String path, @Nullable String json) {
        return send(HttpMethod.PATCH, bearer, path, json);
    }

    public Reply delete(@Nullable String bearer, String path) {
        return send(HttpMethod.DELETE, bearer, path, null);
    }

    /** Any request: {@code bearer} is an access token or {@code sk_…} key (null: none); a JSON body when given. */
    public Reply send(HttpMethod method, @Nullable String bearer, String path, @Nullable String json) {
        return send(method, bearer, path, json, "application/json");
    }

    public Reply send(HttpMethod method, @Nullable String bearer, String path, @Nullable String body,
                      String contentType) {
        return https.headers(h -> {
                    if (bearer != null) {
                        h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + bearer);
                    }
                    if (body != null) {
                        h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
                    }
                })
                .request(method).uri(path)
                .send((request, out) -> body == null ? out.then() : out.sendString(Mono.just(body)))
                .responseSingle((response, content) -> content.asString().defaultIfEmpty("")
                        .map(text -> new Reply(response.status().code(), response.responseHeaders(), text)))
                .block(TIMEOUT);
    }
}
