package io.parley.core.engine;

import io.parley.core.port.Clock;
import io.parley.core.port.Conversations;
import io.parley.core.port.EventBus;
import io.parley.core.port.IdGenerator;
import io.parley.core.port.IdentityVerification;
import io.parley.core.port.MessageLog;
import io.parley.core.port.RateLimiter;
import io.parley.core.port.ReplyStreams;
import io.parley.core.port.Visitors;

/** The ports the engine works through. */
public record EnginePorts(MessageLog log, Conversations conversations, Visitors visitors,
                          IdentityVerification identities, EventBus bus, ReplyStreams replies,
                          RateLimiter rateLimiter, IdGenerator ids, Clock clock) {
}
