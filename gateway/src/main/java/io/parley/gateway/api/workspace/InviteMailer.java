package io.parley.gateway.api.workspace;

import io.parley.gateway.auth.AuthProperties;
import java.time.format.DateTimeFormatter;
import java.time.Instant;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;

/** Sends the invitation e-mail over SMTP. Blocking: call it off the event loop. */
final class InviteMailer {
    private final JavaMailSender mail;
    private final AuthProperties auth;

    InviteMailer(JavaMailSender mail, AuthProperties auth) {
        this.mail = mail;
        this.auth = auth;
    }

    void send(String email, String workspaceName, String role, String link, Instant expiresAt) {
        SimpleMailMessage message = new SimpleMailMessage();
        message.setFrom(auth.mailFrom());
        message.setTo(email);
        message.setSubject("You are invited to " + workspaceName + " on Parley");
        message.setText("You are invited to join \"" + workspaceName + "\" on Parley as " + role + ".\n\n"
                + "Sign in with this e-mail address, then open:\n\n" + link + "\n\n"
                + "The invitation works once, until " + DateTimeFormatter.ISO_INSTANT.format(expiresAt) + ".\n"
                + "If you did not expect this e-mail, ignore it.\n");
        mail.send(message);
    }
}
