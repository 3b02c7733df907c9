package io.parley.gateway.api.conversations;

import io.parley.core.port.ConversationQueries;
import io.parley.persistence.postgres.PostgresAdapters;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The conversation read port (PostgreSQL). */
@Configuration(proxyBeanMethods = false)
public class ConversationsWiring {

    @Bean
    ConversationQueries conversationQueries(PostgresAdapters postgres) {
        return postgres.conversationQueries();
    }
}
