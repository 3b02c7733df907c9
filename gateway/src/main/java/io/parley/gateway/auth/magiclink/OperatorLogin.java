package io.parley.gateway.auth.magiclink;

import io.parley.core.model.Identity;
import io.parley.core.model.Operator;
import io.parley.core.port.Operators;
import io.parley.core.port.Workspaces;
import io.parley.gateway.auth.AuthProperties;
import reactor.core.publisher.Mono;

/**
 * Who a redeemed magic link logs in: the operator of the address's magic-link identity, or — when
 * sign-up is open — a new operator with a workspace of their own, as its owner.
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
        record LoggedIn(Operator operator) implements Outcome {
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
        Identity identity = identityOf(email);
        return operators.findByIdentity(identity)
                .map(operator -> operator.disabled() ? (Outcome) new Outcome.Disabled() : new Outcome.LoggedIn(operator))
                .switchIfEmpty(Mono.defer(() -> signup == AuthProperties.Signup.OPEN
                        ? signUp(identity, email)
                        : Mono.just(new Outcome.SignupClosed())));
    }

    private Mono<Outcome> signUp(Identity identity, String email) {
        return operators.findOrCreate(identity, email, displayNameOf(email))
                // Two links of one new address redeemed at once yield one operator; only the first
                // finds no membership and creates the workspace (a near-simultaneous race may make two).
                .flatMap(operator -> workspaces.membershipsOf(operator.id()).hasElements()
                        .flatMap(hasWorkspace -> hasWorkspace
                                ? Mono.just(operator)
                                : workspaces.createOwnedBy(email + "'s workspace", operator.id()).thenReturn(operator)))
                .map(Outcome.LoggedIn::new);
    }

    private static String displayNameOf(String email) {
        return email.substring(0, email.indexOf('@'));
    }
}
