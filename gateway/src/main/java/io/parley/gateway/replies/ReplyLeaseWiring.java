package io.parley.gateway.replies;

import io.parley.core.engine.ConversationEngine;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class ReplyLeaseWiring {

    @Bean
    OrphanedReplySweeper orphanedReplySweeper(ConversationEngine engine, ReplyLeaseProperties properties) {
        return new OrphanedReplySweeper(engine, properties);
    }
}
