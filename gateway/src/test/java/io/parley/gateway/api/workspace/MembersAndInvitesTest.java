package io.parley.gateway.api.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.core.model.Role;
import io.parley.gateway.testing.ApiClient;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestBackends;
import io.parley.persistence.testing.TestDatabase;
import jakarta.mail.internet.MimeMessage;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/** Workspaces, members and invitations over real HTTPS, with the roles' limits and the last-owner rule. */
class MembersAndInvitesTest extends GatewayIntegrationTest {
    private static final Pattern INVITE_LINK = Pattern.compile("/invite\\?token=([A-Za-z0-9_-]{43})");

    @Autowired
    private ApplicationContext context;
    private ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(https(), context);
    }

    private static String members(String workspace) {
        return "/api/v1/workspaces/" + workspace + "/members";
    }

    private ApiClient.Reply setRole(ApiClient.Session caller, String operatorId, String role) {
        return api.patch(caller.bearer(), members(caller.workspace()) + "/" + operatorId, "{\"role\":\"" + role + "\"}");
    }

    @Test
    void ownersRenameTheirWorkspaceAndOthersCannotEvenSeeAnotherOne() {
        ApiClient.Session owner = api.newOwner("rename");
        ApiClient.Session viewer = api.member(owner.workspace(), Role.VIEWER);
        ApiClient.Session stranger = api.newOwner("stranger");
        String path = "/api/v1/workspaces/" + owner.workspace();

        ApiClient.Reply renamed = api.patch(owner.bearer(), path, "{\"name\":\"Acme support\"}");
        assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
        assertThat(renamed.json().get("name").asString()).isEqualTo("Acme support");
        assertThat(api.get(viewer.bearer(), path).json().get("role").asString()).isEqualTo("viewer");
        assertThat(api.patch(viewer.bearer(), path, "{\"name\":\"x\"}").status()).isEqualTo(403);
        assertThat(api.get(stranger.bearer(), path).status()).isEqualTo(404);
        assertThat(api.patch(owner.bearer(), path, "{\"name\":\"\"}").firstErrorField()).isEqualTo("name");
        assertThat(api.patch(owner.bearer(), path, "{\"name\":\"" + "n".repeat(101) + "\"}").status()).isEqualTo(400);
        assertThat(api.patch(owner.bearer(), path, "{\"name\":\"ok\",\"owner\":\"me\"}").firstErrorField()).isEqualTo("owner");
        assertThat(api.get(owner.bearer(), path).json().get("name").asString()).as("bad input changed nothing")
                .isEqualTo("Acme support");
        List<String> mine = new ArrayList<>();
        api.get(owner.bearer(), "/api/v1/workspaces").json().forEach(w -> mine.add(w.get("id").asString()));
        assertThat(mine).containsExactly(owner.workspace());
        assertThat(auditKinds(owner.workspace())).contains("workspace.updated");
    }

    @Test
    void managersGiveAndTakeOnlyAgentAndViewer() {
        ApiClient.Session owner = api.newOwner("roles");
        ApiClient.Session manager = api.member(owner.workspace(), Role.MANAGER);
        ApiClient.Session viewer = api.member(owner.workspace(), Role.VIEWER);
        ApiClient.Session otherManager = api.member(owner.workspace(), Role.MANAGER);

        ApiClient.Reply promoted = setRole(manager, viewer.operatorId(), "agent");
        assertThat(promoted.status()).as(promoted.body()).isEqualTo(200);
        assertThat(promoted.json().get("role").asString()).isEqualTo("agent");
        assertThat(setRole(manager, viewer.operatorId(), "manager").status()).isEqualTo(403);
        assertThat(setRole(manager, otherManager.operatorId(), "viewer").status()).as("a manager's role").isEqualTo(403);
        assertThat(setRole(manager, owner.operatorId(), "viewer").status()).as("the owner's role").isEqualTo(403);
        assertThat(api.delete(manager.bearer(), members(owner.workspace()) + "/" + otherManager.operatorId()).status())
                .isEqualTo(403);
        assertThat(setRole(viewer, owner.operatorId(), "viewer").status()).as("old session ended by the role change")
                .isEqualTo(401);
        ApiClient.Session agent = api.relogin(viewer);
        assertThat(setRole(agent, owner.operatorId(), "viewer").status()).isEqualTo(403);
        assertThat(setRole(owner, otherManager.operatorId(), "viewer").status()).isEqualTo(200);
        assertThat(setRole(owner, viewer.operatorId(), "admin").firstErrorField()).isEqualTo("role");
        assertThat(setRole(owner, "o_nobody", "viewer").status()).isEqualTo(404);
        assertThat(auditKinds(owner.workspace())).contains("member.role.changed");
    }

    @Test
    void theLastOwnerCannotLeaveOrStepDownButOneOfTwoCan() {
        ApiClient.Session owner = api.newOwner("last-owner");

        assertThat(setRole(owner, owner.operatorId(), "manager").json().get("type").asString()).endsWith("/last-owner");
        assertThat(api.delete(owner.bearer(), members(owner.workspace()) + "/" + owner.operatorId()).status())
                .isEqualTo(409);

        ApiClient.Session second = api.member(owner.workspace(), Role.OWNER);
        assertThat(api.delete(owner.bearer(), members(owner.workspace()) + "/" + owner.operatorId()).status())
                .as("leaving").isEqualTo(204);
        assertThat(api.get(second.bearer(), members(owner.workspace())).json().get("items")).hasSize(1);
        assertThat(api.delete(second.bearer(), members(owner.workspace()) + "/" + second.operatorId()).status())
                .isEqualTo(409);
    }

    @Test
    void anInviteeSignedInWithTheInvitedAddressJoinsOnce() {
        ApiClient.Session owner = api.newOwner("inviter");
        String email = ApiClient.uniqueEmail("invitee");
        ApiClient.Reply created = api.post(owner.bearer(), "/api/v1/workspaces/" + owner.workspace() + "/invites",
                "{\"email\":\"" + email.toUpperCase() + "\",\"role\":\"agent\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("invite").get("email").asString()).isEqualTo(email);
        String token = await().atMost(TIMEOUT).until(() -> inviteTokens(email), tokens -> !tokens.isEmpty()).get(0);
        assertThat(created.json().get("acceptUrl").asString()).endsWith(token);
        assertThat(api.get(owner.bearer(), "/api/v1/workspaces/" + owner.workspace() + "/invites").json()).hasSize(1);

        ApiClient.Session someoneElse = api.withEmail(ApiClient.uniqueEmail("forwarded"));
        assertThat(api.post(someoneElse.bearer(), "/api/v1/invites/accept", "{\"token\":\"" + token + "\"}").status())
                .isEqualTo(403);
        ApiClient.Session invitee = api.withEmail(email);
        ApiClient.Reply joined = api.post(invitee.bearer(), "/api/v1/invites/accept", "{\"token\":\"" + token + "\"}");
        assertThat(joined.status()).as(joined.body()).isEqualTo(200);
        assertThat(joined.json().get("role").asString()).isEqualTo("agent");
        assertThat(api.post(invitee.bearer(), "/api/v1/invites/accept", "{\"token\":\"" + token + "\"}").status())
                .as("used once").isEqualTo(410);
        assertThat(api.post(invitee.bearer(), "/api/v1/invites/accept", "{\"token\":\"short\"}").firstErrorField())
                .isEqualTo("token");
        Set<String> roles = new HashSet<>();
        api.get(owner.bearer(), members(owner.workspace())).json().get("items")
                .forEach(member -> roles.add(member.get("role").asString()));
        assertThat(roles).containsExactlyInAnyOrder("owner", "agent");
        assertThat(api.get(owner.bearer(), "/api/v1/workspaces/" + owner.workspace() + "/invites").json()).isEmpty();
        assertThat(auditKinds(owner.workspace())).contains("member.invited", "invite.accepted");
    }

    @Test
    void managersInviteAgentsAndViewersOnlyAndRevokedInvitesAreUnusable() {
        ApiClient.Session owner = api.newOwner("invite-limits");
        ApiClient.Session manager = api.member(owner.workspace(), Role.MANAGER);
        String invites = "/api/v1/workspaces/" + owner.workspace() + "/invites";

        assertThat(api.post(manager.bearer(), invites, "{\"email\":\"a@b.test\",\"role\":\"owner\"}").status())
                .isEqualTo(403);
        assertThat(api.post(manager.bearer(), invites, "{\"email\":\"not-an-address\",\"role\":\"viewer\"}")
                .firstErrorField()).isEqualTo("email");
        String email = ApiClient.uniqueEmail("revoked");
        ApiClient.Reply created = api.post(manager.bearer(), invites, "{\"email\":\"" + email + "\",\"role\":\"viewer\"}");
        assertThat(created.status()).isEqualTo(201);
        String token = created.json().get("acceptUrl").asString().replaceAll(".*token=", "");
        assertThat(api.delete(manager.bearer(), invites + "/" + created.json().get("invite").get("id").asString())
                .status()).isEqualTo(204);
        assertThat(api.post(api.withEmail(email).bearer(), "/api/v1/invites/accept", "{\"token\":\"" + token + "\"}")
                .status()).isEqualTo(410);
        ApiClient.Session agent = api.member(owner.workspace(), Role.AGENT);
        assertThat(api.get(agent.bearer(), invites).status()).isEqualTo(403);
    }

    @Test
    void membersArePagedWithACursor() {
        ApiClient.Session owner = api.newOwner("pages");
        for (int i = 0; i < 4; i++) {
            api.member(owner.workspace(), Role.VIEWER);
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = api.get(owner.bearer(), members(owner.workspace()) + "?limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor)).json();
            page.get("items").forEach(member -> seen.add(member.get("operatorId").asString()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
            pages++;
        } while (cursor != null);
        assertThat(seen).hasSize(5).doesNotHaveDuplicates();
        assertThat(pages).isEqualTo(3);
        assertThat(api.get(owner.bearer(), members(owner.workspace()) + "?limit=0").firstErrorField()).isEqualTo("limit");
        assertThat(api.get(owner.bearer(), members(owner.workspace()) + "?cursor=bm9wZQ").firstErrorField()).isEqualTo("cursor");
    }

    private static List<String> inviteTokens(String email) {
        return Arrays.stream(TestBackends.MAIL.getReceivedMessages())
                .filter(message -> to(message).equals(email))
                .map(MembersAndInvitesTest::body)
                .map(INVITE_LINK::matcher)
                .filter(Matcher::find)
                .map(matcher -> matcher.group(1))
                .toList();
    }

    private static String to(MimeMessage message) {
        try {
            return message.getAllRecipients()[0].toString();
        } catch (Exception e) {
            return "";
        }
    }

    private static String body(MimeMessage message) {
        try {
            return message.getContent().toString();
        } catch (Exception e) {
            return "";
        }
    }

    static List<String> auditKinds(String workspace) {
        List<String> kinds = new ArrayList<>();
        try (Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl(), TestDatabase.user(), TestDatabase.password());
             PreparedStatement query = db.prepareStatement("SELECT kind FROM audit_events WHERE workspace_id = ? ORDER BY id")) {
            query.setString(1, workspace);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    kinds.add(rows.getString(1));
                }
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return kinds;
    }
}
