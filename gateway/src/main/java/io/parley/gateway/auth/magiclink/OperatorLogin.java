package io.parley.gateway.auth.magiclink;

import io.parley.core.model.Identity;
import io.parley.core.model.Operator;
import io.parley.core.port.Operators;
import io.parley.core.port.Workspaces;
import io.parley.gateway.auth.AuthProperties;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Who a login logs in: the operator of the identity (a magic link's address, or an OIDC issuer and
 * subject), or — when sign-up is open — a new operator with a workspace of their own, as its owner.
 */
public final class OperatorLogin {
    private final Operators operators;
    private final Workspaces workspaces;
    private final AuthProperties.Signup signup;

    public OperatorLogin(Operators operators, Workspaces workspaces, AuthProperties.Signup signup) {
        this.operators = operators;
        this.workspaces = workspaces;
        this.signup = signup;
    }

    public sealed interface Outcome {
        /** {@code signedUp}: this login created the operator's account and workspace. */
        record LoggedIn(Operator operator, boolean signedUp) implements Outcome {
        }

        /** Unknown address while sign-up is invite-only: nothing was created. */
        record SignupClosed() implements Outcome {
        }

        record Disabled() implements Outcome {
        }
    }

    public static Identity identityOf(String email) {
        return new Identity(Identity.MAGIC_LINK_ISSUER, email);
    }

    /** {@code email} is the normalised address the redeemed link was sent to. */
    public Mono<Outcome> login(String email) {
        return login(identityOf(email), email, displayNameOf(email));
    }

    /**
     * Logs in whoever {@code identity} belongs to, with the same sign-up rules for every login method.
     * {@code email} and {@code displayName} only describe a new operator; they never pick an existing one.
     */
    public Mono<Outcome> login(Identity identity, @Nullable String email, String displayName) {
        return operators.findByIdentity(identity)
                .map(operator -> operator.disabled() ? (Outcome) new Outcome.Disabled() : new Outcome.LoggedIn(operator, false))
                .switchIfEmpty(Mono.defer(() -> signup == AuthProperties.Signup.OPEN
                        ? signUp(identity, email, displayName)
                        : Mono.just(new Outcome.SignupClosed())));
    }

    private Mono<Outcome> signUp(Identity identity, @Nullable String email, String displayName) {
        String workspaceName = (email != null ? email : displayName) + "'s workspace";
        return operators.findOrCreate(identity, email, displayName)
                // Two links of one new address redeemed at once yield one operator; only the first
                // finds no membership and creates the workspace (a near-simultaneous race may make two).
                .flatMap(operator -> workspaces.membershipsOf(operator.id()).hasElements()
                        .flatMap(hasWorkspace -> hasWorkspace
                                ? Mono.just(new Outcome.LoggedIn(operator, false))
                                : workspaces.createOwnedBy(workspaceName, operator.id())
                                        .thenReturn(new Outcome.LoggedIn(operator, true))))
                .map(Outcome.class::cast);
    }

    private static String displayNameOf(String email) {
        return email.substring(0, email.indexOf('@'));
    }
}
