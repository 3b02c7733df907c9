package io.parley.gateway.auth.throttle;

import io.parley.core.model.AttemptKind;
import io.parley.core.port.AuthThrottle.Limit;
import io.parley.core.port.AuthThrottle.Limits;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The auth throttle's limits. Magic-link requests and the global ceiling are plain sliding windows
 * (a lockout there would let anyone lock a stranger's mailbox, or everyone, out); failures lock the
 * address out for {@code lockout × 2^(n-1)}, n counting its lockouts until {@code lockoutMemory} passes
 * without one, at most {@code maxLockout}.
 */
@Validated
@ConfigurationProperties("parley.auth.throttle")
public record AuthThrottleProperties(
        @Valid @DefaultValue MagicLinkRequests magicLinkRequests,
        @Valid @DefaultValue Failures magicLinkRedeemFailures,
        @Valid @DefaultValue Failures oidcCallbackFailures,
        @Valid @DefaultValue Failures apiKeyFailures,
        @Valid @DefaultValue Failures agentHelloFailures,
        @Valid @DefaultValue Global global,
        @DefaultValue("24h") Duration lockoutMemory) {

    /** Magic links asked for, per e-mail address and per client address. */
    public record MagicLinkRequests(
            @Min(1) @DefaultValue("5") int perEmail,
            @DefaultValue("1h") Duration perEmailWindow,
            @Min(1) @DefaultValue("20") int perAddress,
            @DefaultValue("1h") Duration perAddressWindow) {
    }

    /** Failures per client address: {@code permits} within {@code window}, then a lockout. */
    public record Failures(
            @Min(1) @DefaultValue("10") int permits,
            @DefaultValue("15m") Duration window,
            @DefaultValue("5m") Duration lockout,
            @DefaultValue("24h") Duration maxLockout) {
    }

    /** All counted auth attempts of the deployment together. */
    public record Global(
            @Min(1) @DefaultValue("1000") int permits,
            @DefaultValue("1m") Duration window) {
    }

    /** The limits as chat-core takes them; throws on an inconsistent setting (e.g. maxLockout < lockout). */
    public Limits limits() {
        Map<AttemptKind, Limit> byKind = new EnumMap<>(AttemptKind.class);
        byKind.put(AttemptKind.MAGIC_LINK_REQUEST_PER_EMAIL,
                Limit.perWindow(magicLinkRequests.perEmail(), magicLinkRequests.perEmailWindow()));
        byKind.put(AttemptKind.MAGIC_LINK_REQUEST_PER_ADDRESS,
                Limit.perWindow(magicLinkRequests.perAddress(), magicLinkRequests.perAddressWindow()));
        byKind.put(AttemptKind.MAGIC_LINK_REDEEM_FAILURE_PER_ADDRESS, limit(magicLinkRedeemFailures));
        byKind.put(AttemptKind.OIDC_CALLBACK_FAILURE_PER_ADDRESS, limit(oidcCallbackFailures));
        byKind.put(AttemptKind.API_KEY_FAILURE_PER_ADDRESS, limit(apiKeyFailures));
        byKind.put(AttemptKind.AGENT_HELLO_FAILURE_PER_ADDRESS, limit(agentHelloFailures));
        byKind.put(AttemptKind.GLOBAL, Limit.perWindow(global.permits(), global.window()));
        return new Limits(byKind, lockoutMemory);
    }

    private static Limit limit(Failures failures) {
        return new Limit(failures.permits(), failures.window(), failures.lockout(), failures.maxLockout());
    }
}
