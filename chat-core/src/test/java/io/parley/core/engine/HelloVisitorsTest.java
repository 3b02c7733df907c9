package io.parley.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.model.ConversationId;
import io.parley.core.model.IdentitySecret;
import io.parley.core.model.VisitorId;
import io.parley.core.protocol.ClientFrame;
import io.parley.core.protocol.CloseCodes;
import io.parley.core.protocol.ServerFrame;
import io.parley.core.testing.Fixtures;
import io.parley.core.testing.InMemoryPorts;
import io.parley.core.testing.ScriptedResponder;
import io.parley.core.testing.SignedIdentities;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Who a hello is, with and without a site's identity token. */
class HelloVisitorsTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String ADDRESS = "203.0.113.5";

    private final InMemoryPorts mem = new InMemoryPorts();
    private final VisitorTokens tokens = new VisitorTokens(new byte[32], List.of(), Duration.ofDays(1),
            () -> Instant.parse("2026-01-01T00:00:00Z"));
    private final ConversationEngine engine = new ConversationEngine(mem.ports(), tokens, bot -> new ScriptedResponder(),
            EngineSettings.DEFAULTS);
    private final IdentitySecret secret = mem.identities.createSecret(Fixtures.BOT_ID).block(WAIT);

    private String signedIn(String sub) {
        return identity("{\"sub\":\"" + sub + "\",\"email\":\"" + sub + "@example.com\",\"exp\":" + inMinutes(10) + "}");
    }

    private String identity(String claimsJson) {
        return SignedIdentities.hs256(secret.secret(), claimsJson);
    }

    private long inMinutes(int minutes) {
        return mem.clock.now().plusSeconds(60L * minutes).getEpochSecond();
    }

    private ServerFrame.Welcome hello(@Nullable String visitorToken, @Nullable String identityToken) {
        return engine.startVisitor(Fixtures.key(), new ClientFrame.Hello(visitorToken, null, null, identityToken), ADDRESS)
                .block(WAIT).welcome();
    }

    private void assertRefused(@Nullable String visitorToken, @Nullable String identityToken, String reason) {
        StepVerifier.create(engine.startVisitor(Fixtures.key(),
                        new ClientFrame.Hello(visitorToken, null, null, identityToken), ADDRESS))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(SessionRefusedException.class).hasMessage(reason);
                    assertThat(((SessionRefusedException) e).closeCode()).isEqualTo(CloseCodes.NOT_AUTHENTICATED);
                })
                .verify(WAIT);
    }

    private InMemoryPorts.VisitorStore.Details details(VisitorId visitor) {
        return mem.visitors.details.get(visitor);
    }

    @Test
    void aValidIdentityMakesAVerifiedVisitorWithThePersonalDataOfTheToken() {
        ServerFrame.Welcome welcome = hello(null, signedIn("user-1"));

        assertThat(details(welcome.visitorId())).isEqualTo(new InMemoryPorts.VisitorStore.Details(
                "user-1", "user-1@example.com", null, null, ADDRESS));
        assertThat(tokens.verify(welcome.visitorToken(), Fixtures.WORKSPACE)).contains(welcome.visitorId());
    }

    @Test
    void theSameUserOnANewDeviceIsTheSameVisitorAndSeesItsConversation() {
        ServerFrame.Welcome laptop = hello(null, signedIn("user-1"));
        ConversationId conversation = mem.conversations.openFor(Fixtures.WORKSPACE, Fixtures.BOT_ID, laptop.visitorId())
                .block(WAIT).id();

        ServerFrame.Welcome phone = hello(null, signedIn("user-1"));

        assertThat(phone.visitorId()).isEqualTo(laptop.visitorId());
        assertThat(phone.conversationId()).isEqualTo(conversation);
    }

    @Test
    void anUnverifiedVisitorWhoSignsInKeepsItsConversation() {
        ServerFrame.Welcome anonymous = hello(null, null);
        ConversationId conversation = mem.conversations.openFor(Fixtures.WORKSPACE, Fixtures.BOT_ID,
                anonymous.visitorId()).block(WAIT).id();

        ServerFrame.Welcome signedIn = hello(anonymous.visitorToken(), signedIn("user-1"));

        assertThat(signedIn.visitorId()).isEqualTo(anonymous.visitorId());
        assertThat(signedIn.conversationId()).isEqualTo(conversation);
        assertThat(details(signedIn.visitorId()).verified()).isTrue();
    }

    @Test
    void anotherUserWithTheLastUsersVisitorTokenIsANewVisitorWhoSeesNothingOfTheirs() {
        ServerFrame.Welcome userA = hello(null, signedIn("user-a"));
        mem.conversations.openFor(Fixtures.WORKSPACE, Fixtures.BOT_ID, userA.visitorId()).block(WAIT);

        ServerFrame.Welcome userB = hello(userA.visitorToken(), signedIn("user-b"));

        assertThat(userB.visitorId()).isNotEqualTo(userA.visitorId());
        assertThat(userB.conversationId()).isNull();
        assertThat(details(userB.visitorId()).externalId()).isEqualTo("user-b");
        assertThat(details(userA.visitorId()).externalId()).isEqualTo("user-a");
    }

    @Test
    void anUnverifiedVisitorTokenDoesNotTakeOverAUserKnownFromAnotherDevice() {
        ServerFrame.Welcome known = hello(null, signedIn("user-1"));
        ServerFrame.Welcome anonymous = hello(null, null);

        ServerFrame.Welcome signedIn = hello(anonymous.visitorToken(), signedIn("user-1"));

        assertThat(signedIn.visitorId()).isEqualTo(known.visitorId());
        assertThat(details(anonymous.visitorId()).verified()).isFalse();
    }

    @Test
    void theTokenOfAnErasedVisitorStartsANewVisitorInsteadOfReviving() {
        String erasedVisitorsToken = tokens.issue(new VisitorId("v_erased"), Fixtures.WORKSPACE);

        ServerFrame.Welcome welcome = hello(erasedVisitorsToken, null);

        assertThat(welcome.visitorId()).isNotEqualTo(new VisitorId("v_erased"));
        assertThat(mem.visitors.find(welcome.visitorId()).block(WAIT)).isNotNull();
        assertThat(tokens.verify(welcome.visitorToken(), Fixtures.WORKSPACE)).contains(welcome.visitorId());
    }

    @Test
    void theVisitorTokenOfASignedInUserAloneIsRefused() {
        ServerFrame.Welcome signedIn = hello(null, signedIn("user-1"));

        assertRefused(signedIn.visitorToken(), null, HelloVisitors.VISITOR_SIGNED_IN);
    }

    @Test
    void anInvalidOrExpiredIdentityIsRefusedWithoutTouchingAnyVisitor() {
        String expired = identity("{\"sub\":\"user-1\",\"exp\":" + inMinutes(-5) + "}");
        String forged = SignedIdentities.hs256(new byte[32], "{\"sub\":\"user-1\",\"exp\":" + inMinutes(10) + "}");

        assertRefused(null, expired, HelloVisitors.IDENTITY_INVALID);
        assertRefused(null, forged, HelloVisitors.IDENTITY_INVALID);
        assertThat(mem.visitors.details).isEmpty();
    }

    @Test
    void aBotForVerifiedVisitorsOnlyRefusesAHelloWithoutIdentityAndAcceptsOneWith() {
        ServerFrame.Welcome anonymousBefore = hello(null, null);
        mem.identities.verifiedVisitorsOnly(Fixtures.BOT_ID, true);

        assertRefused(null, null, HelloVisitors.SIGN_IN_NEEDED);
        assertRefused(anonymousBefore.visitorToken(), null, HelloVisitors.SIGN_IN_NEEDED);
        assertThat(details(hello(null, signedIn("user-1")).visitorId()).verified()).isTrue();
    }

    @Test
    void theSignedInUsersPersonalDataFollowsTheirLatestToken() {
        VisitorId visitor = hello(null, identity(
                "{\"sub\":\"user-1\",\"name\":\"Jane\",\"email\":\"jane@example.com\",\"exp\":" + inMinutes(10) + "}"))
                .visitorId();

        hello(null, identity("{\"sub\":\"user-1\",\"email\":\"jane@work.example\",\"exp\":" + inMinutes(10) + "}"));

        assertThat(details(visitor).email()).isEqualTo("jane@work.example");
        assertThat(details(visitor).name()).isEqualTo("Jane");
    }

    @Test
    void everyHelloRecordsTheClientAddressAndMessagesStayAuthoredAsVisitor() {
        VisitorSession session = engine.startVisitor(Fixtures.key(),
                new ClientFrame.Hello(null, null, null, signedIn("user-1")), "198.51.100.7").block(WAIT).session();

        assertThat(details(session.visitorId()).ipAddress()).isEqualTo("198.51.100.7");
        assertThat(session.author().name()).isEqualTo("Visitor");
    }
}
