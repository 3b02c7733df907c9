package io.parley.gateway.api.bots;

import io.parley.core.port.Bots;
import io.parley.core.port.KnowledgeBase;
import io.parley.core.port.WidgetKeyRegistry;
import io.parley.persistence.postgres.PostgresAdapters;
import io.parley.persistence.redis.RedisAdapters;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The administration ports of bots, widget keys and knowledge entries (PostgreSQL); changes of bots and of
 * their knowledge entries are announced to every node over Redis.
 */
@Configuration(proxyBeanMethods = false)
public class BotWiring {

    @Bean
    Bots bots(PostgresAdapters postgres, RedisAdapters redis) {
        return new AnnouncingBots(postgres.bots(), redis.botChanges());
    }

    @Bean
    WidgetKeyRegistry widgetKeyRegistry(PostgresAdapters postgres) {
        return postgres.widgetKeyRegistry();
    }

    @Bean
    KnowledgeBase knowledgeBase(PostgresAdapters postgres, RedisAdapters redis) {
        return new AnnouncingKnowledgeBase(postgres.knowledgeBase(), redis.botChanges());
    }
}
