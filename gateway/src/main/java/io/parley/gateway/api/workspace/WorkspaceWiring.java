package io.parley.gateway.api.workspace;

import io.parley.core.port.Invites;
import io.parley.core.port.Members;
import io.parley.gateway.auth.AuthProperties;
import io.parley.persistence.postgres.PostgresAdapters;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.javamail.JavaMailSender;

@Configuration(proxyBeanMethods = false)
class WorkspaceWiring {

    @Bean
    Members members(PostgresAdapters postgres) {
        return postgres.members();
    }

    @Bean
    Invites invites(PostgresAdapters postgres) {
        return postgres.invites();
    }

    @Bean
    InviteMailer inviteMailer(JavaMailSender mail, AuthProperties auth) {
        return new InviteMailer(mail, auth);
    }
}
