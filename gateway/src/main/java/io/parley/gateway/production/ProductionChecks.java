package io.parley.gateway.production;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.ssl.pem.PemContent;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * What the {@code prod} profile refuses to start with, one method per check. Each reads the settings as
 * given and returns its problems, each naming the setting and what is wrong (empty when all is well);
 * {@link #problems()} runs them all, so that one refusal lists everything to fix.
 *
 * <p>Development markers: a secret file anywhere under a {@code .dev} directory (where
 * {@code scripts/dev-secrets} makes them), a signing key whose {@code kid} starts with {@code dev-}
 * (the script names its keys so), a self-signed certificate (the script's, or any other).
 */
public final class ProductionChecks {
    /** Production's Redis keys live under this prefix (and may be split further below it). */
    public static final String REDIS_PREFIX = "parley:prod:";

    static final String TLS_CERTIFICATE = "spring.ssl.bundle.pem.server.keystore.certificate";
    static final String TLS_PRIVATE_KEY = "spring.ssl.bundle.pem.server.keystore.private-key";
    static final String SIGNING_KEYS = "parley.auth.signing-keys-file";

    private static final Pattern UNRESOLVED = Pattern.compile("Could not resolve placeholder '([^']+)'");
    private static final Pattern DATABASE_NAME = Pattern.compile("://[^/?]*/([^/?;]+)");
    private static final Pattern NOT_PRODUCTION_NAME = Pattern.compile("(?i)(^|[^a-z0-9])(test|dev|demo)([^a-z0-9]|$)");

    private final ConfigurableEnvironment environment;

    public ProductionChecks(ConfigurableEnvironment environment) {
        this.environment = environment;
    }

    /**
     * A file the running node reads a secret from (and the TLS certificate, which is public but injected
     * alike): the property that names it and the location it names, {@code null} when not given.
     */
    public record SecretFile(String property, @Nullable String location) {
    }

    /** The files checked by {@link #secretFiles}: adding a secret to production is one line here. */
    List<SecretFile> secretFiles() {
        List<SecretFile> files = new ArrayList<>(List.of(
                secretFile(TLS_CERTIFICATE),
                secretFile(TLS_PRIVATE_KEY),
                secretFile("parley.visitor-tokens.key-file"),
                secretFile(SIGNING_KEYS),
                secretFile("parley.auth.api-key-pepper-file"),
                secretFile("parley.encryption.keyset-file"),
                secretFile("parley.encryption.blind-index-keyset-file")));
        files.addAll(listedSecretFiles("parley.visitor-tokens.previous-key-files"));
        optionalSecretFile("parley.encryption.kek-file").ifPresent(files::add);
        if (!"-".equals(Objects.requireNonNullElse(setting("parley.backup.schedule"), "-").strip())) {
            files.add(secretFile("parley.backup.keyset-file")); // only a node that backs up needs the backup keyset
        }
        return files;
    }

    /** Every problem of every check, in a fixed order. */
    public List<String> problems() {
        return Stream.<Supplier<List<String>>>of(
                        () -> secretFiles(secretFiles()),
                        this::developmentSigningKeys,
                        this::selfSignedCertificate,
                        this::unsetSettings,
                        this::demoData,
                        this::insecureCookies,
                        this::redisKeyPrefix,
                        this::databaseName,
                        this::defaultDatabaseLogin)
                .flatMap(check -> check.get().stream())
                .toList();
    }

    /** Each file given, present, readable, not empty, and not a development one. */
    List<String> secretFiles(List<SecretFile> files) {
        List<String> problems = new ArrayList<>();
        for (SecretFile file : files) {
            String location = file.location();
            if (location == null || location.isBlank()) {
                problems.add(file.property() + " is not set" + unresolvedHint(file.property()));
                continue;
            }
            if (PemContent.isPresentInText(location)) {
                continue; // the PEM itself, e.g. from an environment variable: injected at run time all the same
            }
            if (location.startsWith("classpath:")) {
                problems.add(file.property() + " is " + location + ", inside the application: inject it at run time");
                continue;
            }
            Path path = pathOf(location);
            String named = file.property() + " (" + path + ")";
            if (isUnderDevFolder(path)) {
                problems.add(named + " is a development secret (under .dev/, made by scripts/dev-secrets): "
                        + "inject a production one");
            } else if (!Files.isRegularFile(path)) {
                problems.add(named + " does not exist");
            } else if (!Files.isReadable(path)) {
                problems.add(named + " cannot be read");
            } else if (isBlank(path)) {
                problems.add(named + " is empty");
            }
        }
        return problems;
    }

    /** Signing keys of scripts/dev-secrets (kid dev-…); a file that cannot be read is the check above's. */
    List<String> developmentSigningKeys() {
        Path file = localFile(SIGNING_KEYS);
        if (file == null || !Files.isReadable(file)) {
            return List.of();
        }
        try {
            List<String> development = JWKSet.load(file.toFile()).getKeys().stream().map(JWK::getKeyID)
                    .filter(Objects::nonNull).filter(kid -> kid.startsWith("dev-")).toList();
            return development.isEmpty() ? List.of() : List.of(SIGNING_KEYS + " (" + file + ") holds development "
                    + "signing keys (kid " + String.join(", ", development) + ", made by scripts/dev-secrets): "
                    + "inject production keys");
        } catch (IOException | ParseException e) {
            return List.of(); // SigningKeys refuses it with its own message
        }
    }

    /** The server's certificate must chain to a CA: a self-signed one is a development certificate. */
    List<String> selfSignedCertificate() {
        String location = setting(TLS_CERTIFICATE);
        if (location == null || location.isBlank() || location.startsWith("classpath:")) {
            return List.of();
        }
        try {
            PemContent pem = PemContent.isPresentInText(location) ? PemContent.of(location)
                    : PemContent.load(pathOf(location));
            List<X509Certificate> chain = pem.getCertificates();
            if (chain.isEmpty()) {
                return List.of(TLS_CERTIFICATE + " holds no certificate");
            }
            X509Certificate leaf = chain.get(0);
            return selfSigned(leaf) ? List.of(TLS_CERTIFICATE + " is self-signed (" + leaf.getSubjectX500Principal()
                    + " issued it to itself): use a certificate issued by a certificate authority") : List.of();
        } catch (IOException | RuntimeException e) {
            return Files.exists(pathOf(location))
                    ? List.of(TLS_CERTIFICATE + " cannot be read as a PEM certificate: " + e.getMessage())
                    : List.of(); // missing: reported by secretFiles
        }
    }

    /**
     * Settings application-prod.yml takes from the environment without a default, which Spring would
     * otherwise keep as the literal {@code ${…}} text: mail would fail or go out wrong.
     */
    List<String> unsetSettings() {
        return Stream.of("parley.auth.base-url", "parley.auth.mail-from", "spring.mail.host")
                .filter(property -> setting(property) == null)
                .map(property -> property + " is not set" + unresolvedHint(property))
                .toList();
    }

    /** The demo workspace (pk_demo, pk_loadtest) is for development only. */
    List<String> demoData() {
        return Boolean.TRUE.equals(flag("parley.bots.seed-demo"))
                ? List.of("parley.bots.seed-demo is true: the demo workspace (widget keys pk_demo and pk_loadtest) "
                        + "must not exist in production")
                : List.of();
    }

    /**
     * Parley's own cookies are always Secure, HttpOnly, SameSite and {@code __Host-} (in code, no setting
     * weakens them); refused are the settings that would still weaken cookies or the transport they need.
     */
    List<String> insecureCookies() {
        List<String> problems = new ArrayList<>();
        if (Boolean.FALSE.equals(flag("server.reactive.session.cookie.secure"))) {
            problems.add("server.reactive.session.cookie.secure is false: cookies must be Secure (sent over HTTPS only)");
        }
        if (Boolean.FALSE.equals(flag("server.reactive.session.cookie.http-only"))) {
            problems.add("server.reactive.session.cookie.http-only is false: cookies must be HttpOnly");
        }
        String sameSite = setting("server.reactive.session.cookie.same-site");
        if (sameSite != null && sameSite.equalsIgnoreCase("none")) {
            problems.add("server.reactive.session.cookie.same-site is None: cookies must stay off cross-site requests");
        }
        if (Boolean.FALSE.equals(flag("server.ssl.enabled"))) {
            problems.add("server.ssl.enabled is false: without HTTPS no Secure cookie, and no login, is possible");
        }
        return problems;
    }

    /** Production's keys under {@value #REDIS_PREFIX}, never under another environment's prefix. */
    List<String> redisKeyPrefix() {
        String prefix = setting("parley.redis.key-prefix");
        return prefix == null || prefix.startsWith(REDIS_PREFIX) ? List.of()
                : List.of("parley.redis.key-prefix is \"" + prefix + "\", not production's \"" + REDIS_PREFIX
                        + "\": keys of another environment sharing the Redis would mix with production's");
    }

    /** A database named for development or test is not production's; both URLs must name the same one. */
    List<String> databaseName() {
        List<String> problems = new ArrayList<>();
        String served = databaseIn("parley.database.r2dbc-url");
        String migrated = databaseIn("parley.database.jdbc-url");
        for (String name : Stream.of(served, migrated).filter(Objects::nonNull).distinct().toList()) {
            if (NOT_PRODUCTION_NAME.matcher(name).find()) {
                problems.add("the database \"" + name + "\" (parley.database.r2dbc-url / jdbc-url) is named for "
                        + "development or test: production uses its own database");
            }
        }
        if (served != null && migrated != null && !served.equals(migrated)) {
            problems.add("parley.database.r2dbc-url names the database \"" + served + "\" but jdbc-url (the "
                    + "migrations) \"" + migrated + "\": they must be the same");
        }
        return problems;
    }

    /** The development login: the postgres superuser without a password (local trust authentication). */
    List<String> defaultDatabaseLogin() {
        String user = setting("parley.database.username");
        String password = setting("parley.database.password");
        boolean developmentUser = user == null || user.equals("postgres");
        return developmentUser && (password == null || password.isEmpty())
                ? List.of("parley.database.password is empty for the user postgres, the development login: give "
                        + "production its own database user and password (PARLEY_DB_USER, PARLEY_DB_PASSWORD)")
                : List.of();
    }

    static boolean selfSigned(X509Certificate certificate) {
        if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return false;
        }
        try {
            certificate.verify(certificate.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private SecretFile secretFile(String property) {
        return new SecretFile(property, setting(property));
    }

    /** A secret that may be left out (empty); when given it is checked like the others. */
    private Optional<SecretFile> optionalSecretFile(String property) {
        String location = setting(property);
        return location == null || location.isBlank() ? Optional.empty()
                : Optional.of(new SecretFile(property, location));
    }

    private List<SecretFile> listedSecretFiles(String property) {
        List<String> locations = Binder.get(environment).bind(property, Bindable.listOf(String.class)).orElse(List.of());
        List<SecretFile> files = new ArrayList<>();
        for (int i = 0; i < locations.size(); i++) {
            files.add(new SecretFile(property + "[" + i + "]", locations.get(i)));
        }
        return files;
    }

    private static boolean isUnderDevFolder(Path path) {
        for (Path part : path.toAbsolutePath().normalize()) {
            if (part.toString().equals(".dev")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isBlank(Path path) {
        try {
            return Files.size(path) == 0 || Files.readString(path, StandardCharsets.ISO_8859_1).isBlank();
        } catch (IOException e) {
            return false;
        }
    }

    private @Nullable Path localFile(String property) {
        String location = setting(property);
        if (location == null || location.isBlank() || location.startsWith("classpath:")) {
            return null;
        }
        return pathOf(location);
    }

    /** The file a location names: a path, or a {@code file:} resource as Spring's SSL bundles take it. */
    private static Path pathOf(String location) {
        return Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location);
    }

    private @Nullable String databaseIn(String property) {
        String url = setting(property);
        if (url == null) {
            return null;
        }
        Matcher matcher = DATABASE_NAME.matcher(url);
        return matcher.find() ? matcher.group(1) : null;
    }

    /** A setting's value; null when it is not given or names an environment variable that is not set. */
    private @Nullable String setting(String property) {
        try {
            return environment.getProperty(property);
        } catch (IllegalArgumentException unresolved) {
            return null;
        }
    }

    private @Nullable Boolean flag(String property) {
        String value = setting(property);
        return value == null ? null : switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> null; // not a boolean: the binding of that setting refuses it with its own message
        };
    }

    /** " (set PARLEY_X)" when the setting names an environment variable that is not set. */
    private String unresolvedHint(String property) {
        try {
            environment.getProperty(property);
            return "";
        } catch (IllegalArgumentException unresolved) {
            Matcher matcher = UNRESOLVED.matcher(String.valueOf(unresolved.getMessage()));
            return matcher.find() ? " (set " + matcher.group(1) + ")" : "";
        }
    }
}
