package io.parley.gateway.config;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.parley.core.engine.ConversationEngine;
import io.parley.core.engine.EnginePorts;
import io.parley.core.engine.EngineSettings;
import io.parley.core.engine.RandomIds;
import io.parley.core.engine.VisitorTokens;
import io.parley.core.model.Bot;
import io.parley.core.model.RateLimit;
import io.parley.core.port.Clock;
import io.parley.core.port.IdGenerator;
import io.parley.core.port.KnowledgeIndex;
import io.parley.core.port.Responder;
import io.parley.core.port.WidgetKeys;
import io.parley.core.protocol.FrameCodec;
import io.parley.core.responder.KnowledgeBaseResponder;
import io.parley.core.responder.SyntheticResponder;
import io.parley.gateway.upstream.OpenAiResponder;
import io.parley.gateway.replies.ReplyLeaseProperties;
import io.parley.persistence.encryption.FieldEncryption;
import io.parley.persistence.postgres.DatabaseMigrations;
import io.parley.persistence.postgres.DemoWorkspace;
import io.parley.persistence.postgres.PostgresAdapters;
import io.parley.persistence.postgres.PostgresConnections;
import io.parley.persistence.redis.RedisAdapters;
import io.r2dbc.pool.ConnectionPool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Turns the validated properties into plain values and wires the adapters into the engine. */
@Configuration(proxyBeanMethods = false)
public class ParleyWiring {
    private static final Logger LOG = LoggerFactory.getLogger(ParleyWiring.class);

    @Bean(destroyMethod = "dispose")
    ConnectionPool connectionPool(DatabaseProperties db, BotProperties bots, FieldEncryption encryption) {
        // V13 seals the values of a database written before encryption at rest: it needs the keysets
        int applied = DatabaseMigrations.migrate(db.jdbcUrl(), db.username(), db.password(), encryption);
        LOG.info("database schema is current ({} migration(s) applied now)", applied);
        ConnectionPool pool = PostgresConnections.pool(db.r2dbcUrl(), db.username(), db.password(), db.poolMaxSize());
        if (bots.seedDemo()) {
            DemoWorkspace.seed(pool).block(Duration.ofSeconds(30));
            LOG.info("demo workspace seeded: widget keys {} and {}", DemoWorkspace.DEMO_KEY, DemoWorkspace.LOADTEST_KEY);
        }
        return pool;
    }

    @Bean
    Clock clock() {
        return Clock.system();
    }

    @Bean
    IdGenerator ids() {
        return new RandomIds();
    }

    @Bean
    PostgresAdapters postgresAdapters(ConnectionPool pool, Clock clock, IdGenerator ids, FieldEncryption encryption) {
        return new PostgresAdapters(pool, clock, ids, encryption);
    }

    @Bean
    WidgetKeys widgetKeys(PostgresAdapters postgres) {
        return postgres.widgetKeys();
    }

    @Bean(destroyMethod = "shutdown")
    RedisClient redisClient(RedisProperties redis) {
        return RedisClient.create(RedisURI.create(redis.uri()));
    }

    @Bean(destroyMethod = "close")
    RedisAdapters redisAdapters(RedisClient client, RedisProperties redis) {
        RedisAdapters adapters = new RedisAdapters(client, redis.keyPrefix());
        // Opens the connection and loads the script now rather than on the first visitor's time;
        // Redis down at start-up: nothing to do, the limiter falls back locally until it answers.
        adapters.rateLimiter().tryAcquire("startup", new RateLimit(Integer.MAX_VALUE, Duration.ofSeconds(1)))
                .subscribe(null, e -> LOG.warn("Redis did not answer at start-up: {}", e.toString()));
        return adapters;
    }

    @Bean
    VisitorTokens visitorTokens(VisitorTokenProperties properties, Clock clock) {
        return new VisitorTokens(readKey(properties.keyFile()),
                properties.previousKeyFiles().stream().map(ParleyWiring::readKey).toList(),
                properties.lifetime(), clock);
    }

    @Bean
    FrameCodec frameCodec(WebSocketProperties ws) {
        return new FrameCodec(ws.maxTextChars());
    }

    @Bean
    ConversationEngine conversationEngine(PostgresAdapters postgres, RedisAdapters redis, IdGenerator ids, Clock clock,
                                          VisitorTokens tokens, BotProperties bots, OpenAiResponder openAi,
                                          KnowledgeIndex knowledgeIndex, ReplyLeaseProperties leases) {
        EnginePorts ports = new EnginePorts(postgres.messageLog(), postgres.conversations(), postgres.visitors(),
                postgres.identityVerification(), redis.eventBus(), redis.replyStreams(), redis.rateLimiter(), ids, clock);
        KnowledgeBaseResponder knowledgeBase = new KnowledgeBaseResponder(knowledgeIndex, bots.knowledgePieceInterval());
        return new ConversationEngine(ports, tokens, bot -> responderFor(bot, knowledgeBase, openAi),
                new EngineSettings(bots.maxReplyChars(), Duration.ofSeconds(5), leases.forNode(RandomIds.nodeId())),
                postgres.answeringBots());
    }

    private static Responder responderFor(Bot bot, KnowledgeBaseResponder knowledgeBase, OpenAiResponder openAi) {
        return switch (bot.responder()) {
            case KNOWLEDGE_BASE -> knowledgeBase;
            case SYNTHETIC -> new SyntheticResponder(bot.synthetic());
            case OPENAI -> openAi;
        };
    }

    private static byte[] readKey(Path file) {
        try {
            return Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the visitor-token key " + file
                    + " (generate one with scripts/dev-secrets, or inject it in production)", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the visitor-token key " + file + " is not base64", e);
        }
    }
}
