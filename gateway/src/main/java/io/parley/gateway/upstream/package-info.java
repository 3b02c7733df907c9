/**
 * The {@code openai} responder: a bot's answers streamed from an OpenAI-compatible chat-completions
 * upstream, grounded in the bot's knowledge entries, behind resilience4j (circuit breaker per upstream,
 * bulkhead, retry before the first token) and token timeouts, falling back to the knowledge base.
 */
@NullMarked
package io.parley.gateway.upstream;

import org.jspecify.annotations.NullMarked;
