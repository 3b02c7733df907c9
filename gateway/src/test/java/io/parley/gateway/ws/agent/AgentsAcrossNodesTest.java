package io.parley.gateway.ws.agent;

import io.parley.gateway.testing.AdminData;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.model.Role;
import io.parley.gateway.testing.ApiClient;
import io.parley.gateway.testing.ExtraNodes;
import io.parley.gateway.testing.GatewayIntegrationTest;
import io.parley.gateway.testing.TestBots;
import io.parley.gateway.testing.TestCertificates.TestCertificate;
import io.parley.gateway.testing.WebSocketTestClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;

/**
 * The agent side across two gateway nodes (one database, one Redis): a visitor on the first node, agents
 * and a viewer on the second; handoff, takeover, messages and typing both ways, release, presence, and
 * what a viewer may see of the visitor.
 */
@Import(ExtraNodes.OwnEventLoops.class)
class AgentsAcrossNodesTest extends GatewayIntegrationTest {
    private static final String EMAIL = "jane.doe@example.com";
    private static final String NAME = "Jane Doe";
    private static final String PHONE = "+15550100";
    private static final String IP = "198.51.100.77";
    private static ConfigurableApplicationContext nodeB;

    @Autowired
    ApplicationContext applicationContext;

    @BeforeAll
    static void startSecondNode() {
        // quick presence beats, so a test sees an agent come and go within seconds
        nodeB = ExtraNodes.start(Map.of("parley.ws.agent.presence-heartbeat", "1s"));
    }

    @AfterAll
    static void stopSecondNode() {
        if (nodeB != null) {
            nodeB.close();
        }
    }

    private static int portB() {
        return ExtraNodes.httpsPort(nodeB);
    }

    /** A visitor's socket, as a native app connects. */
    static final class Visitor extends WebSocketTestClient<Visitor> {
        Visitor(TestCertificate trusted, int port, String key) {
            super(trusted, port, "/ws/visitor?key=" + key, Map.of());
        }
    }

    private AgentSocket agentOn(int port, ApiClient.Session session) {
        AgentSocket socket = AgentSocket.open(CERTIFICATE, port);
        JsonNode welcome = socket.hello(session.bearer(), session.workspace()).next();
        assertThat(welcome.get("type").asString()).isEqualTo("welcome");
        return socket;
    }

    private static String startVisitorWithPersonalData(Visitor visitor) {
        String visitorId = visitor.send("{\"type\":\"hello\"}").next("welcome").get("visitorId").asString();
        AdminData.personalData(visitorId, new AdminData.Person("ext-jane-7", EMAIL, NAME, PHONE, IP));
        return visitorId;
    }

    private static Predicate<JsonNode> ofConversation(String type, String conversationId) {
        return n -> type.equals(n.get("type").asString()) && n.has("conversationId")
                && conversationId.equals(n.get("conversationId").asString());
    }

    private static Predicate<JsonNode> inboxUpdate(String conversationId, Predicate<JsonNode> about) {
        return n -> "inbox.update".equals(n.get("type").asString())
                && conversationId.equals(n.get("conversation").get("conversationId").asString())
                && about.test(n.get("conversation"));
    }

    @Test
    void aVisitorOnOneNodeAndAnAgentOnAnotherTalkAfterHandoffAndTakeoverThenTheBotAnswersAgainAfterRelease() {
        ApiClient api = new ApiClient(https(), applicationContext);
        ApiClient.Session owner = api.newOwner("desk-owner");
        ApiClient.Session agentSession = api.member(owner.workspace(), Role.AGENT);
        // replies of 200 tokens at 20 a second: still streaming when the agent takes over
        String key = TestBots.syntheticKeyIn(owner.workspace(), 200);

        try (AgentSocket agent = agentOn(portB(), agentSession);
             Visitor visitor = new Visitor(CERTIFICATE, httpsPort, key)) {
            agent.send("{\"type\":\"subscribe\",\"inbox\":true}");
            JsonNode snapshot = agent.next("inbox");
            assertThat(snapshot.get("conversations").size()).isZero();

            startVisitorWithPersonalData(visitor);
            List<JsonNode> seenByVisitor = new ArrayList<>();
            visitor.send("{\"type\":\"message\",\"clientMsgId\":\"v1\",\"text\":\"Where is my parcel?\"}");
            String conversationId = visitor.next("ack").get("conversationId").asString();
            collectStored(visitor, conversationId, seenByVisitor, n -> "reply.start".equals(n.get("type").asString()));
            visitor.send("{\"type\":\"handoff\"}");

            JsonNode requested = agent.nextMatching(inboxUpdate(conversationId,
                    c -> !c.get("handoff").isNull() && "requested".equals(c.get("handoff").get("state").asString())))
                    .get("conversation");
            assertThat(requested.get("humanHandling").asBoolean()).isTrue();
            assertThat(requested.get("visitor").get("email").asString()).as("an agent sees personal data").isEqualTo(EMAIL);
            assertThat(requested.get("visitor").get("name").asString()).isEqualTo(NAME);
            assertThat(requested.get("lastMessage").get("text").asString()).isEqualTo("Where is my parcel?");

            agent.send("{\"type\":\"join\",\"conversationId\":\"" + conversationId + "\",\"lastSeq\":0}");
            List<JsonNode> seenByAgent = new ArrayList<>();
            JsonNode first = collectStored(agent, conversationId, seenByAgent, ofConversation("message", conversationId));
            assertThat(first.get("seq").asLong()).isEqualTo(1);
            agent.send("{\"type\":\"takeover\",\"conversationId\":\"" + conversationId + "\"}");

            // the visitor: the handoff it asked for, then the agent's takeover, and the bot's reply cut short
            collectStored(visitor, conversationId, seenByVisitor, n -> isHandoff(n, "assigned"));
            JsonNode assigned = seenByVisitor.get(seenByVisitor.size() - 1);
            assertThat(assigned.get("agent").get("name").asString()).isEqualTo("agent");
            collectStored(visitor, conversationId, seenByVisitor, n -> "reply.end".equals(n.get("type").asString()));
            assertThat(seenByVisitor.get(seenByVisitor.size() - 1).get("finish").asString()).isEqualTo("cancelled");
            collectStored(agent, conversationId, seenByAgent, n -> "reply.end".equals(n.get("type").asString()));

            // messages both ways
            visitor.send("{\"type\":\"message\",\"clientMsgId\":\"v2\",\"text\":\"Hello?\"}");
            JsonNode fromVisitor = collectStored(agent, conversationId, seenByAgent,
                    n -> "message".equals(n.get("type").asString()) && "visitor".equals(n.get("author").get("role").asString()));
            assertThat(fromVisitor.get("text").asString()).isEqualTo("Hello?");
            agent.send("{\"type\":\"message\",\"conversationId\":\"" + conversationId
                    + "\",\"clientMsgId\":\"a1\",\"text\":\"Hi, I am on it.\"}");
            JsonNode ack = agent.next("ack");
            assertThat(ack.get("clientMsgId").asString()).isEqualTo("a1");
            JsonNode fromAgent = collectStored(visitor, conversationId, seenByVisitor,
                    n -> "message".equals(n.get("type").asString()) && "agent".equals(n.get("author").get("role").asString()));
            assertThat(fromAgent.get("text").asString()).isEqualTo("Hi, I am on it.");
            assertThat(fromAgent.get("author").get("id").asString()).isEqualTo(agentSession.operatorId());
            assertThat(fromAgent.get("author").get("name").asString()).isEqualTo("agent");
            assertThat(fromAgent.get("seq").asLong()).isEqualTo(ack.get("seq").asLong());

            // typing both ways, not stored
            visitor.send("{\"type\":\"typing\",\"on\":true}");
            JsonNode visitorTyping = collectStored(agent, conversationId, seenByAgent, ofConversation("typing", conversationId));
            assertThat(visitorTyping.get("author").get("role").asString()).isEqualTo("visitor");
            assertThat(visitorTyping.get("on").asBoolean()).isTrue();
            agent.send("{\"type\":\"typing\",\"conversationId\":\"" + conversationId + "\",\"on\":true}");
            JsonNode agentTyping = collectStored(visitor, conversationId, seenByVisitor, ofConversation("typing", conversationId));
            assertThat(agentTyping.get("author").get("role").asString()).isEqualTo("agent");

            agent.send("{\"type\":\"release\",\"conversationId\":\"" + conversationId + "\"}");
            collectStored(visitor, conversationId, seenByVisitor, n -> isHandoff(n, "released"));
            collectStored(agent, conversationId, seenByAgent, n -> isHandoff(n, "released"));
            // the agent sees its own message live too
            assertThat(seenByAgent).anyMatch(n -> n.get("seq").asLong() == ack.get("seq").asLong());

            long storedSoFar = TestBots.seqs(conversationId).size();
            assertThat(seqsOf(seenByVisitor)).as("the visitor saw every stored event once, in order")
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, storedSoFar).boxed().toList());
            assertThat(seqsOf(seenByAgent)).as("the agent saw the same").isEqualTo(seqsOf(seenByVisitor));

            visitor.send("{\"type\":\"message\",\"clientMsgId\":\"v3\",\"text\":\"Thanks, bye\"}");
            assertThat(visitor.next("reply.start").get("author").get("role").asString())
                    .as("the bot answers again after release").isEqualTo("bot");
        }
    }

    @Test
    void aSecondAgentCannotTakeOverAndAgentsOfOtherWorkspacesFindNothing() {
        ApiClient api = new ApiClient(https(), applicationContext);
        ApiClient.Session owner = api.newOwner("desk-rivals");
        ApiClient.Session first = api.member(owner.workspace(), Role.AGENT);
        ApiClient.Session stranger = api.newOwner("desk-stranger");
        String key = TestBots.syntheticKeyIn(owner.workspace(), 5);
        try (Visitor visitor = new Visitor(CERTIFICATE, httpsPort, key);
             AgentSocket a = agentOn(httpsPort, first);
             AgentSocket b = agentOn(portB(), owner);
             AgentSocket outsider = agentOn(portB(), stranger)) {
            visitor.send("{\"type\":\"hello\"}").next("welcome");
            visitor.send("{\"type\":\"message\",\"clientMsgId\":\"v1\",\"text\":\"hi\"}");
            String conversationId = visitor.next("ack").get("conversationId").asString();

            JsonNode early = b.send("{\"type\":\"message\",\"conversationId\":\"" + conversationId
                    + "\",\"clientMsgId\":\"b1\",\"text\":\"hello\"}").next();
            assertThat(early.get("code").asString()).as("a message needs a takeover").isEqualTo("not_assigned");

            a.send("{\"type\":\"join\",\"conversationId\":\"" + conversationId + "\",\"lastSeq\":0}");
            a.send("{\"type\":\"takeover\",\"conversationId\":\"" + conversationId + "\"}");
            a.nextMatching(n -> isHandoff(n, "assigned"));
            JsonNode refused = b.send("{\"type\":\"takeover\",\"conversationId\":\"" + conversationId + "\"}").next();
            assertThat(refused.get("code").asString()).isEqualTo("assigned_to_another");
            assertThat(refused.get("message").asString()).contains("agent");
            assertThat(b.send("{\"type\":\"release\",\"conversationId\":\"" + conversationId + "\"}").next()
                    .get("code").asString()).isEqualTo("not_assigned");

            for (String frame : List.of("join\",\"lastSeq\":0", "takeover\"", "release\"", "typing\",\"on\":true")) {
                String json = "{\"type\":\"" + frame + ",\"conversationId\":\"" + conversationId + "\"}";
                assertThat(outsider.send(json).next().get("code").asString()).as(json).isEqualTo("not_found");
            }
            assertThat(outsider.send("{\"type\":\"message\",\"conversationId\":\"" + conversationId
                    + "\",\"clientMsgId\":\"x\",\"text\":\"hi\"}").next().get("code").asString()).isEqualTo("not_found");
            assertThat(TestBots.seqs(conversationId)).as("nothing stored by refused frames").hasSizeLessThanOrEqualTo(3);
        }
    }

    @Test
    void aViewerNeverReceivesTheVisitorsPersonalDataWhileAnAgentDoes() {
        ApiClient api = new ApiClient(https(), applicationContext);
        ApiClient.Session owner = api.newOwner("desk-privacy");
        ApiClient.Session viewerSession = api.member(owner.workspace(), Role.VIEWER);
        String key = TestBots.syntheticKeyIn(owner.workspace(), 5);
        try (Visitor visitor = new Visitor(CERTIFICATE, httpsPort, key)) {
            startVisitorWithPersonalData(visitor);
            visitor.send("{\"type\":\"message\",\"clientMsgId\":\"v1\",\"text\":\"hello\"}");
            String conversationId = visitor.next("ack").get("conversationId").asString();
            visitor.next("reply.end");

            try (AgentSocket viewer = agentOn(portB(), viewerSession); AgentSocket agent = agentOn(httpsPort, owner)) {
                viewer.send("{\"type\":\"subscribe\",\"inbox\":true}");
                agent.send("{\"type\":\"subscribe\",\"inbox\":true}");
                JsonNode viewersInbox = viewer.next("inbox");
                JsonNode agentsInbox = agent.next("inbox");
                JsonNode masked = only(viewersInbox, conversationId).get("visitor");
                assertThat(masked.get("email").asString()).isEqualTo("j***@e***.com");
                assertThat(masked.get("verified").asBoolean()).isTrue();
                JsonNode shown = only(agentsInbox, conversationId).get("visitor");
                assertThat(shown.get("email").asString()).isEqualTo(EMAIL);
                assertThat(shown.get("name").asString()).isEqualTo(NAME);

                viewer.send("{\"type\":\"join\",\"conversationId\":\"" + conversationId + "\",\"lastSeq\":0}");
                viewer.nextMatching(n -> n.has("seq") && n.get("seq").asLong() == 2);
                visitor.send("{\"type\":\"handoff\"}");
                viewer.nextMatching(n -> isHandoff(n, "requested"));
                viewer.nextMatching(inboxUpdate(conversationId, c -> c.get("lastSeq").asLong() == 3));
                agent.nextMatching(inboxUpdate(conversationId, c -> c.get("lastSeq").asLong() == 3));

                List<String> everything = new ArrayList<>();
                everything.add(viewersInbox.toString());
                viewer.send("{\"type\":\"ping\"}").next("pong");
                everything.addAll(viewer.drain().stream().map(JsonNode::toString).toList());
                assertThat(String.join("\n", everything)).doesNotContain(EMAIL, NAME, PHONE, IP, "ext-jane-7", "Jane");
                JsonNode viewerRefused = viewer.send("{\"type\":\"takeover\",\"conversationId\":\"" + conversationId + "\"}")
                        .next();
                assertThat(viewerRefused.get("code").asString()).isEqualTo("forbidden");
            }
        }
    }

    @Test
    void presenceShowsTheAgentsOnlineOnEveryNode() {
        ApiClient api = new ApiClient(https(), applicationContext);
        ApiClient.Session owner = api.newOwner("desk-presence");
        ApiClient.Session colleague = api.member(owner.workspace(), Role.AGENT);
        try (AgentSocket watcher = agentOn(portB(), owner)) {
            watcher.send("{\"type\":\"subscribe\",\"inbox\":true}");
            watcher.next("inbox");
            watcher.nextMatching(n -> isPresence(n, List.of(owner.operatorId())));
            try (AgentSocket other = agentOn(httpsPort, colleague)) {
                watcher.nextMatching(n -> isPresence(n, List.of(owner.operatorId(), colleague.operatorId())));
            }
            watcher.nextMatching(n -> isPresence(n, List.of(owner.operatorId())));
        }
    }

    private static boolean isPresence(JsonNode n, List<String> operators) {
        if (!"presence".equals(n.get("type").asString())) {
            return false;
        }
        List<String> online = new ArrayList<>();
        n.get("agents").forEach(a -> online.add(a.get("operatorId").asString()));
        return online.size() == operators.size() && online.containsAll(operators);
    }

    private static JsonNode only(JsonNode inbox, String conversationId) {
        for (JsonNode c : inbox.get("conversations")) {
            if (conversationId.equals(c.get("conversationId").asString())) {
                return c;
            }
        }
        throw new AssertionError("conversation " + conversationId + " not in " + inbox);
    }

    private static boolean isHandoff(JsonNode n, String state) {
        return "handoff".equals(n.get("type").asString()) && state.equals(n.get("state").asString());
    }

    /** Reads frames until {@code until} matches, keeping the stored events (those with a seq, acks aside). */
    private static JsonNode collectStored(WebSocketTestClient<?> socket, String conversationId, List<JsonNode> seen,
                                          Predicate<JsonNode> until) {
        while (true) {
            JsonNode n = socket.next();
            boolean stored = n.has("seq") && !"ack".equals(n.get("type").asString()) && n.has("conversationId")
                    && conversationId.equals(n.get("conversationId").asString());
            if (stored) {
                seen.add(n);
            }
            if (until.test(n)) {
                return n;
            }
        }
    }

    private static List<Long> seqsOf(List<JsonNode> frames) {
        return frames.stream().map(n -> n.get("seq").asLong()).toList();
    }
}
