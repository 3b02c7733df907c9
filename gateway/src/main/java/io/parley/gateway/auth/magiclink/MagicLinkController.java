package io.parley.gateway.auth.magiclink;

import io.parley.core.model.AttemptKind;
import io.parley.core.model.OperatorId;
import io.parley.core.port.AuthThrottle;
import io.parley.core.port.Clock;
import io.parley.core.port.MagicLinks;
import io.parley.core.port.Operators;
import io.parley.gateway.auth.AuthAudit;
import io.parley.gateway.auth.AuthProperties;
import io.parley.gateway.auth.session.OpaqueTokens;
import io.parley.gateway.auth.session.RefreshSessions;
import io.parley.gateway.auth.session.SessionCookies;
import io.parley.gateway.auth.session.SessionResponses;
import io.parley.gateway.auth.throttle.ClientAddresses;
import io.parley.gateway.auth.throttle.ThrottleResponses;
import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Magic-link login. Requesting a link answers 202 with one fixed body at once, whoever the address
 * belongs to: the lookup, the token and the e-mail happen after the response, so neither the body
 * nor the timing tells known addresses from unknown ones. GET of the link shows a confirm page and
 * consumes nothing (mail scanners prefetch links); only POST redeems it and starts a session.
 */
@RestController
public class MagicLinkController {
    static final String REQUEST_PATH = "/api/v1/auth/magic-links";
    static final String REDEEM_PATH = "/api/v1/auth/magic-links/redeem";
    private static final Logger LOG = LoggerFactory.getLogger(MagicLinkController.class);
    private static final Sent SENT = new Sent("sent");

    private final MagicLinkIssuer issuer;
    private final MagicLinkMailer mailer;
    private final MagicLinks magicLinks;
    private final Operators operators;
    private final OperatorLogin login;
    private final RefreshSessions sessions;
    private final AuthProperties auth;
    private final Clock clock;
    private final AuthThrottle throttle;
    private final ClientAddresses addresses;
    private final AuthAudit audit;

    public MagicLinkController(MagicLinkIssuer issuer, MagicLinkMailer mailer, MagicLinks magicLinks,
                               Operators operators, OperatorLogin login, RefreshSessions sessions,
                               AuthProperties auth, Clock clock, AuthThrottle throttle, ClientAddresses addresses,
                               AuthAudit audit) {
        this.audit = audit;
        this.throttle = throttle;
        this.addresses = addresses;
        this.issuer = issuer;
        this.mailer = mailer;
        this.magicLinks = magicLinks;
        this.operators = operators;
        this.login = login;
        this.sessions = sessions;
        this.auth = auth;
        this.clock = clock;
    }

    public record LinkRequest(@Nullable String email) {
    }

    public record Sent(String status) {
    }

    public record Redemption(@Nullable String token) {
    }

    public record Failure(String error, String message) {
    }

    @PostMapping(path = REQUEST_PATH, consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<?>> requestLink(@RequestBody LinkRequest request, ServerWebExchange exchange) {
        var email = EmailAddresses.normalise(request.email());
        if (email.isEmpty()) {
            return Mono.just(failure(HttpStatus.BAD_REQUEST, "invalid_email", "Give an e-mail address."));
        }
        // The first limit that refuses answers, before anything is sent; the ones after it count nothing.
        // Global last: requests one client's own limits refuse must not use up everyone's ceiling.
        return Flux.concat(
                        Mono.defer(() -> throttle.attempt(AttemptKind.MAGIC_LINK_REQUEST_PER_ADDRESS,
                                addresses.throttleSubject(exchange))),
                        Mono.defer(() -> throttle.attempt(AttemptKind.MAGIC_LINK_REQUEST_PER_EMAIL,
                                EmailAddresses.mailbox(email.get()))),
                        Mono.defer(() -> throttle.attempt(AttemptKind.GLOBAL, "all")))
                .filter(verdict -> !verdict.allowed())
                .next()
                .<ResponseEntity<?>>map(ThrottleResponses::entity)
                .switchIfEmpty(Mono.fromSupplier(() -> {
                    sendLinkLater(email.get());
                    return ResponseEntity.accepted().cacheControl(CacheControl.noStore()).body(SENT);
                }));
    }

    private void sendLinkLater(String email) {
        operators.findByIdentity(OperatorLogin.identityOf(email)).hasElement()
                .flatMap(known -> issuer.issue(email)
                        .flatMap(link -> Mono.fromRunnable(() -> mailer.send(email, link, known))
                                .subscribeOn(Schedulers.boundedElastic())))
                // the address and the link stay out of the log
                .subscribe(null, e -> LOG.warn("a magic-link e-mail was not sent: {}", e.getClass().getName()));
    }

    @GetMapping(MagicLinkIssuer.CONFIRM_PATH)
    public Mono<ResponseEntity<String>> confirmPage(@RequestParam(name = "token", required = false) @Nullable String token,
                                                    ServerWebExchange exchange) {
        if (token == null || !OpaqueTokens.wellFormed(token)) {
            return Mono.just(linkUnusable());
        }
        Mono<CsrfToken> csrf = exchange.getAttribute(CsrfToken.class.getName());
        return magicLinks.peek(OpaqueTokens.hash(token), clock.now())
                .flatMap(email -> (csrf == null ? Mono.<CsrfToken>empty() : csrf)
                        .map(CsrfToken::getToken)
                        .defaultIfEmpty("")
                        .map(csrfToken -> ConfirmPage.confirm(token, csrfToken, auth.origin())))
                .defaultIfEmpty(linkUnusable());
    }

    /** The confirm page's form: a browser, so the session goes into cookies. */
    @PostMapping(path = REDEEM_PATH, consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    public Mono<ResponseEntity<?>> redeemForm(ServerWebExchange exchange) {
        return exchange.getFormData().flatMap(form -> redeem(form.getFirst("token"), exchange).map(outcome -> {
            if (outcome instanceof Throttled throttled) {
                return ThrottleResponses.entity(throttled.verdict());
            }
            if (outcome instanceof Redeemed redeemed) {
                SessionCookies.set(exchange.getResponse(), redeemed.session());
                return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create(auth.link("/")))
                        .cacheControl(CacheControl.noStore()).build();
            }
            Refused refused = (Refused) outcome;
            return ConfirmPage.message(refused.status(), auth.origin(), "Cannot log in", refused.message());
        }));
    }

    /** API clients: the session's tokens in the body. */
    @PostMapping(path = REDEEM_PATH, consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<?>> redeemJson(@RequestBody Redemption request, ServerWebExchange exchange) {
        return redeem(request.token(), exchange).map(outcome -> {
            if (outcome instanceof Throttled throttled) {
                return ThrottleResponses.entity(throttled.verdict());
            }
            return outcome instanceof Redeemed redeemed
                    ? SessionResponses.json(redeemed.session())
                    : failure(((Refused) outcome).status(), ((Refused) outcome).error(), ((Refused) outcome).message());
        });
    }

    private sealed interface Outcome {
    }

    private record Redeemed(RefreshSessions.Session session, OperatorId operator, boolean signedUp) implements Outcome {
    }

    private record Refused(HttpStatus status, String error, String message) implements Outcome {
    }

    private record Throttled(AuthThrottle.Verdict verdict) implements Outcome {
    }

    private static final Refused LINK_UNUSABLE = new Refused(HttpStatus.BAD_REQUEST, "invalid_link",
            "This login link is unknown, expired or used. Ask for a new one.");

    private static final Refused SIGNUP_CLOSED = new Refused(HttpStatus.FORBIDDEN, "signup_closed",
            "This Parley is invite-only and this address has no account: ask a workspace owner for an invitation.");

    /** An address that keeps presenting unusable links is locked out (growing each time) before it may guess on. */
    private Mono<Outcome> redeem(@Nullable String token, ServerWebExchange exchange) {
        String address = addresses.throttleSubject(exchange);
        return throttle.check(AttemptKind.MAGIC_LINK_REDEEM_FAILURE_PER_ADDRESS, address)
                .flatMap(verdict -> verdict.allowed()
                        ? redeem(token).flatMap(outcome -> outcome == LINK_UNUSABLE
                                ? throttle.failure(AttemptKind.MAGIC_LINK_REDEEM_FAILURE_PER_ADDRESS, address)
                                        .thenReturn(outcome)
                                : Mono.just(outcome))
                        : Mono.just(new Throttled(verdict)))
                // A throttled try is counted by the metrics; the lockout that caused it was audited once.
                .flatMap(outcome -> outcome instanceof Throttled
                        ? Mono.just(outcome)
                        : audited(outcome, addresses.of(exchange)).thenReturn(outcome));
    }

    private Mono<Void> audited(Outcome outcome, String address) {
        if (outcome instanceof Redeemed redeemed) {
            return (redeemed.signedUp() ? audit.signedUp(redeemed.operator(), "magic_link", address) : Mono.<Void>empty())
                    .then(audit.loginSucceeded(redeemed.operator(), "magic_link", address));
        }
        Refused refused = (Refused) outcome;
        return audit.loginFailed("magic_link", refused.error(), address);
    }

    private Mono<Outcome> redeem(@Nullable String token) {
        if (token == null || !OpaqueTokens.wellFormed(token)) {
            return Mono.just(LINK_UNUSABLE);
        }
        return magicLinks.redeem(OpaqueTokens.hash(token), clock.now())
                .flatMap(login::login)
                .flatMap(outcome -> {
                    if (outcome instanceof OperatorLogin.Outcome.LoggedIn in) {
                        return sessions.start(in.operator())
                                .<Outcome>map(session -> new Redeemed(session, in.operator().id(), in.signedUp()));
                    }
                    return Mono.<Outcome>just(outcome instanceof OperatorLogin.Outcome.SignupClosed
                            ? SIGNUP_CLOSED
                            : new Refused(HttpStatus.FORBIDDEN, "operator_disabled", "This account is disabled."));
                })
                .defaultIfEmpty(LINK_UNUSABLE);
    }

    private ResponseEntity<String> linkUnusable() {
        return ConfirmPage.message(HttpStatus.GONE, auth.origin(), "Cannot log in", LINK_UNUSABLE.message());
    }

    private static ResponseEntity<?> failure(HttpStatus status, String error, String message) {
        return ResponseEntity.status(status).cacheControl(CacheControl.noStore()).body(new Failure(error, message));
    }
}
