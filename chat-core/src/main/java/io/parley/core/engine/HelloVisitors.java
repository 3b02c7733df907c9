package io.parley.core.engine;

import io.parley.core.identity.IdentityTokens;
import io.parley.core.model.Bot;
import io.parley.core.model.VerifiedIdentity;
import io.parley.core.model.Visitor;
import io.parley.core.model.VisitorId;
import io.parley.core.model.WorkspaceId;
import io.parley.core.protocol.ClientFrame;
import io.parley.core.protocol.CloseCodes;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Decides who a {@code hello} is. With an identity token: the workspace's visitor verified as its
 * subject, else the visitor of the visitor token when that one is unverified (it becomes verified),
 * else a new verified visitor; a visitor verified as another subject is never taken over, so the next
 * user of a shared computer does not see the last one's conversations. Without one: the visitor token's
 * visitor when it is unverified, else a new unverified visitor, unless the bot accepts only verified
 * visitors. Personal data comes from identity tokens only.
 */
final class HelloVisitors {
    static final String IDENTITY_INVALID = "identity token invalid or expired";
    static final String SIGN_IN_NEEDED = "this chat needs a signed-in user";
    static final String VISITOR_TOKEN_INVALID = "visitor token invalid or expired";
    static final String VISITOR_SIGNED_IN = "visitor token of a signed-in user; send its identity token";
    private static final Logger LOG = Logger.getLogger(HelloVisitors.class.getName());

    private final EnginePorts ports;
    private final VisitorTokens tokens;
    private final IdentityTokens identityTokens = new IdentityTokens();

    HelloVisitors(EnginePorts ports, VisitorTokens tokens) {
        this.ports = ports;
        this.tokens = tokens;
    }

    /** The hello's visitor, or a {@link SessionRefusedException}; the client address is recorded on it. */
    Mono<VisitorId> visitorOf(Bot bot, ClientFrame.Hello hello, String clientAddress) {
        Mono<VisitorId> visitor = hello.identityToken() != null
                ? verified(bot, hello.identityToken(), hello.visitorToken())
                : ports.identities().verifiedVisitorsOnly(bot.id()).flatMap(verifiedOnly -> verifiedOnly
                        ? Mono.error(new SessionRefusedException(CloseCodes.NOT_AUTHENTICATED, SIGN_IN_NEEDED))
                        : unverified(bot.workspaceId(), hello.visitorToken()));
        return visitor.flatMap(id -> ports.visitors().recordAddress(id, clientAddress).thenReturn(id));
    }

    private Mono<VisitorId> verified(Bot bot, String identityToken, @Nullable String visitorToken) {
        WorkspaceId workspace = bot.workspaceId();
        return ports.identities().activeSecrets(bot.id()).collectList()
                .flatMap(secrets -> {
                    IdentityTokens.Verification verification =
                            identityTokens.verify(identityToken, secrets, ports.clock().now());
                    if (verification instanceof IdentityTokens.Verified verified) {
                        return Mono.just(verified.identity());
                    }
                    LOG.log(Level.FINE, () -> "identity token refused for bot " + bot.id() + ": "
                            + ((IdentityTokens.Refused) verification).why());
                    return Mono.<VerifiedIdentity>error(
                            new SessionRefusedException(CloseCodes.NOT_AUTHENTICATED, IDENTITY_INVALID));
                })
                .flatMap(identity -> {
                    // A stale or foreign visitor token does not matter here: the identity says who this is.
                    Optional<VisitorId> previous = visitorToken == null ? Optional.empty()
                            : tokens.verify(visitorToken, workspace);
                    Mono<Boolean> previousIsTheirs = previous
                            .map(id -> ports.visitors().identify(id, workspace, identity))
                            .orElse(Mono.just(false));
                    return previousIsTheirs.flatMap(theirs -> theirs
                            ? Mono.just(previous.orElseThrow())
                            : ports.visitors().findOrCreateVerified(workspace, identity).map(Visitor::id));
                });
    }

    private Mono<VisitorId> unverified(WorkspaceId workspace, @Nullable String visitorToken) {
        if (visitorToken == null) {
            return ports.visitors().create(workspace).map(Visitor::id);
        }
        Optional<VisitorId> previous = tokens.verify(visitorToken, workspace);
        if (previous.isEmpty()) {
            return Mono.error(new SessionRefusedException(CloseCodes.NOT_AUTHENTICATED, VISITOR_TOKEN_INVALID));
        }
        return ports.visitors().find(previous.get())
                .flatMap(found -> ports.visitors().externalIdOf(found.id())
                        .flatMap(signedIn -> Mono.<VisitorId>error(
                                new SessionRefusedException(CloseCodes.NOT_AUTHENTICATED, VISITOR_SIGNED_IN)))
                        .defaultIfEmpty(found.id()))
                // erased (GDPR) since its token was issued: this browser starts over as a new visitor
                .switchIfEmpty(Mono.defer(() -> ports.visitors().create(workspace).map(Visitor::id)));
    }
}
