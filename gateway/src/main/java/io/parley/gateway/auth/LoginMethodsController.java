package io.parley.gateway.auth;

import io.parley.gateway.auth.oidc.OidcRegistrations;
import java.util.List;
import java.util.stream.StreamSupport;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Which ways to log in this server offers, so that the console shows only those: magic links always,
 * and each OIDC provider whose client id is configured. Public: it says no more than the login page.
 */
@RestController
public class LoginMethodsController {
    static final String PATH = "/api/v1/auth/methods";
    private static final String OIDC_START = "/oauth2/authorization/";

    private final LoginMethods methods;

    public LoginMethodsController(OidcRegistrations registrations) {
        this.methods = new LoginMethods(true, StreamSupport.stream(registrations.spliterator(), false)
                .map(ClientRegistration::getRegistrationId)
                .sorted()
                .map(id -> new Provider(id, OIDC_START + id))
                .toList());
    }

    /** {@code start}: where a browser goes to begin that provider's login. */
    public record Provider(String id, String start) {
    }

    public record LoginMethods(boolean magicLink, List<Provider> oidc) {
    }

    @GetMapping(PATH)
    public ResponseEntity<LoginMethods> methods() {
        return ResponseEntity.ok().cacheControl(CacheControl.noCache()).body(methods);
    }
}
