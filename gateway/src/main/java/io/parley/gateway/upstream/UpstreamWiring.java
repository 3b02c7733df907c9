package io.parley.gateway.upstream;

import io.micrometer.core.instrument.MeterRegistry;
import io.parley.core.responder.KnowledgeBaseResponder;
import io.parley.gateway.config.BotProperties;
import io.parley.persistence.postgres.PostgresAdapters;
import io.parley.persistence.redis.RedisAdapters;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code openai} responder, the bots' upstream settings and knowledge bases kept in memory, and the
 * resilient upstream client (all closed with the context).
 */
@Configuration(proxyBeanMethods = false)
class UpstreamWiring {

    @Bean(destroyMethod = "close")
    ResilientUpstream resilientUpstream(UpstreamProperties properties, MeterRegistry meters) {
        return new ResilientUpstream(properties, meters);
    }

    /** Subscribes to the bots' change announcements at once, so it keeps settings from the first question on. */
    @Bean(destroyMethod = "close")
    CachedOpenAiUpstreams cachedOpenAiUpstreams(PostgresAdapters postgres, RedisAdapters redis,
                                                UpstreamProperties properties) {
        return new CachedOpenAiUpstreams(postgres.openAiUpstreams(), redis.botChanges(),
                properties.settingsCacheExpiry(), properties.settingsCacheMaxBots());
    }

    /** The knowledge search of every bot, kept in memory like the settings above. */
    @Bean(destroyMethod = "close")
    CachedKnowledgeIndex cachedKnowledgeIndex(PostgresAdapters postgres, RedisAdapters redis, BotProperties bots) {
        return new CachedKnowledgeIndex(postgres.knowledgeIndex(), postgres.knowledgeSnapshots(), redis.botChanges(),
                bots.knowledgeCacheExpiry(), bots.knowledgeCacheMaxEntriesPerBot(),
                bots.knowledgeCacheMaxMemory().toBytes());
    }

    @Bean
    OpenAiResponder openAiResponder(CachedOpenAiUpstreams upstreams, CachedKnowledgeIndex knowledge,
                                    ResilientUpstream upstream, BotProperties bots) {
        return new OpenAiResponder(upstreams, knowledge, new KnowledgeBaseResponder(knowledge,
                bots.knowledgePieceInterval()), upstream);
    }
}
