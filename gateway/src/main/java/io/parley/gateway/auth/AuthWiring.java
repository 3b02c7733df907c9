package io.parley.gateway.auth;

import io.parley.core.port.AuditTrail;
import io.parley.core.port.Clock;
import io.parley.core.port.MagicLinks;
import io.parley.core.port.Operators;
import io.parley.core.port.RefreshTokens;
import io.parley.core.port.Workspaces;
import io.parley.gateway.auth.magiclink.MagicLinkIssuer;
import io.parley.gateway.auth.magiclink.MagicLinkMailer;
import io.parley.gateway.auth.magiclink.OperatorLogin;
import io.parley.gateway.auth.session.AccessTokens;
import io.parley.gateway.auth.session.RefreshSessions;
import io.parley.gateway.auth.session.SigningKeys;
import io.parley.persistence.postgres.PostgresAdapters;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.javamail.JavaMailSender;

/** The login ports (PostgreSQL) and the token services built from {@link AuthProperties}. */
@Configuration(proxyBeanMethods = false)
public class AuthWiring {

    @Bean
    Operators operators(PostgresAdapters postgres) {
        return postgres.operators();
    }

    @Bean
    Workspaces workspaces(PostgresAdapters postgres) {
        return postgres.workspaces();
    }

    @Bean
    MagicLinks magicLinks(PostgresAdapters postgres) {
        return postgres.magicLinks();
    }

    @Bean
    RefreshTokens refreshTokens(PostgresAdapters postgres) {
        return postgres.refreshTokens();
    }

    @Bean
    AuditTrail auditTrail(PostgresAdapters postgres) {
        return postgres.auditTrail();
    }

    @Bean
    AuthAudit authAudit(AuditTrail trail, Clock clock) {
        return new AuthAudit(trail, clock);
    }

    // The prod profile's refusal of development keys (kid dev-…) is ProductionChecks.developmentSigningKeys.
    @Bean
    SigningKeys signingKeys(AuthProperties auth) {
        return SigningKeys.load(auth.signingKeysFile());
    }

    @Bean
    AccessTokens accessTokens(SigningKeys keys, AuthProperties auth, Clock clock) {
        return new AccessTokens(keys, auth.issuer(), auth.accessTokenLifetime(), clock);
    }

    @Bean
    RefreshSessions refreshSessions(RefreshTokens refreshTokens, Operators operators, AccessTokens accessTokens,
                                    AuthProperties auth, Clock clock, AuthAudit audit) {
        return new RefreshSessions(refreshTokens, operators, accessTokens, auth.refreshTokenLifetime(), clock, audit);
    }

    @Bean
    MagicLinkIssuer magicLinkIssuer(MagicLinks magicLinks, AuthProperties auth, Clock clock) {
        return new MagicLinkIssuer(magicLinks, auth, clock);
    }

    @Bean
    MagicLinkMailer magicLinkMailer(JavaMailSender mail, AuthProperties auth) {
        return new MagicLinkMailer(mail, auth);
    }

    @Bean
    OperatorLogin operatorLogin(Operators operators, Workspaces workspaces, AuthProperties auth) {
        return new OperatorLogin(operators, workspaces, auth.signup());
    }
}
