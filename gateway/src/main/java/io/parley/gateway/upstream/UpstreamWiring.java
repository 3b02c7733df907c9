package io.parley.gateway.upstream;

import io.micrometer.core.instrument.MeterRegistry;
import io.parley.core.responder.KnowledgeBaseResponder;
import io.parley.gateway.config.BotProperties;
import io.parley.persistence.postgres.PostgresAdapters;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code openai} responder and its resilient upstream client (closed with the context). */
@Configuration(proxyBeanMethods = false)
class UpstreamWiring {

    @Bean(destroyMethod = "close")
    ResilientUpstream resilientUpstream(UpstreamProperties properties, MeterRegistry meters) {
        return new ResilientUpstream(properties, meters);
    }

    @Bean
    OpenAiResponder openAiResponder(PostgresAdapters postgres, ResilientUpstream upstream, BotProperties bots) {
        return new OpenAiResponder(postgres.openAiUpstreams(), postgres.knowledgeIndex(),
                new KnowledgeBaseResponder(postgres.knowledgeIndex(), bots.knowledgePieceInterval()), upstream);
    }
}
