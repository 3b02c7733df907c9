package io.parley.gateway.auth.magiclink;

import io.parley.gateway.auth.AuthProperties;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;

/** Sends the login e-mail over SMTP. Blocking: call it off the event loop. */
public final class MagicLinkMailer {
    private final JavaMailSender mail;
    private final AuthProperties auth;

    public MagicLinkMailer(JavaMailSender mail, AuthProperties auth) {
        this.mail = mail;
        this.auth = auth;
    }

    public void send(String email, String link, boolean knownOperator) {
        String minutes = Long.toString(auth.magicLinkLifetime().toMinutes());
        SimpleMailMessage message = new SimpleMailMessage();
        message.setFrom(auth.mailFrom());
        message.setTo(email);
        message.setSubject(knownOperator ? "Your Parley login link" : "Your Parley sign-up link");
        message.setText((knownOperator ? "Log in to Parley:" : "Create your Parley account:") + "\n\n"
                + link + "\n\n"
                + "The link works once, within " + minutes + " minutes. Opening it shows a page with a button;"
                + " nothing happens until you press it.\n"
                + "If you did not ask for this e-mail, ignore it.\n");
        mail.send(message);
    }
}
