package io.parley.core.model;

/** Which responder answers for a bot. */
public enum ResponderKind {
    /** Answers from the bot's knowledge entries. */
    KNOWLEDGE_BASE,
    /** Deterministic tokens at a fixed rate, for load tests. */
    SYNTHETIC,
    /** An OpenAI-compatible chat-completions endpoint (base URL, model, API key of the bot's settings). */
    OPENAI
}
