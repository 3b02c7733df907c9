package io.parley.core.model;

/** The synthetic responder's shape: {@code tokens} tokens at {@code tokensPerSecond}. */
public record SyntheticSettings(int tokens, int tokensPerSecond) {
    public static final SyntheticSettings DEFAULT = new SyntheticSettings(50, 20);

    public SyntheticSettings {
        if (tokens < 1 || tokensPerSecond < 1) {
            throw new IllegalArgumentException("tokens and tokensPerSecond must be positive");
        }
    }
}
