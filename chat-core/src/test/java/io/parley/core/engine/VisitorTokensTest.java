package io.parley.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.core.model.VisitorId;
import io.parley.core.model.WorkspaceId;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class VisitorTokensTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final byte[] key = filled(1);
    private final WorkspaceId workspace = new WorkspaceId("w_1");
    private final VisitorId visitor = new VisitorId("v_abc");

    private static byte[] filled(int value) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private VisitorTokens tokens(byte[] current, List<byte[]> previous) {
        return new VisitorTokens(current, previous, Duration.ofDays(30), now::get);
    }

    @Test
    void aTokenNamesItsVisitorUntilItExpires() {
        VisitorTokens tokens = tokens(key, List.of());
        String token = tokens.issue(visitor, workspace);
        assertThat(tokens.verify(token, workspace)).contains(visitor);
        now.set(now.get().plus(Duration.ofDays(30)));
        assertThat(tokens.verify(token, workspace)).isEmpty();
    }

    @Test
    void aTamperedTokenOrOneOfAnotherWorkspaceIsRefused() {
        VisitorTokens tokens = tokens(key, List.of());
        String token = tokens.issue(visitor, workspace);
        assertThat(tokens.verify(token.replace("v_abc", "v_abd"), workspace)).isEmpty();
        assertThat(tokens.verify(token, new WorkspaceId("w_2"))).isEmpty();
        assertThat(tokens.verify("garbage", workspace)).isEmpty();
    }

    @Test
    void tokensSignedWithThePreviousKeyStillVerifyAfterRotation() {
        String old = tokens(key, List.of()).issue(visitor, workspace);
        VisitorTokens rotated = tokens(filled(2), List.of(key));
        assertThat(rotated.verify(old, workspace)).contains(visitor);
        assertThat(tokens(filled(2), List.of()).verify(old, workspace)).isEmpty();
    }

    @Test
    void shortKeysAreRefused() {
        assertThatThrownBy(() -> tokens(new byte[16], List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
