package io.parley.gateway.backup;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A PostgreSQL database as the command-line tools reach it: a libpq URL ({@code postgresql://…}) and,
 * apart from it, a password for PGPASSWORD (so that it never shows in a process list).
 */
record PgTarget(String url, @Nullable String password) {

    /** The URL with any password in it masked, for messages. */
    String display() {
        return url.replaceFirst("^(postgres(?:ql)?://[^:/@]*):[^@/]*@", "$1:***@");
    }

    /**
     * The libpq URL of a pgjdbc URL ({@code jdbc:postgresql://h1:5432,h2:5432/db?targetServerType=primary}).
     * The parameters libpq also knows are carried over (sslmode, sslrootcert, sslcert, sslkey, connectTimeout,
     * ApplicationName, targetServerType, ssl); pgjdbc's own tuning parameters are left out.
     */
    static PgTarget fromJdbc(String jdbcUrl, String username, String password) {
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new BackupException("parley.database.jdbc-url is not a PostgreSQL JDBC URL: " + jdbcUrl);
        }
        String rest = jdbcUrl.substring("jdbc:postgresql:".length());
        String query = "";
        int question = rest.indexOf('?');
        if (question >= 0) {
            query = rest.substring(question + 1);
            rest = rest.substring(0, question);
        }
        String hosts;
        String database;
        if (rest.startsWith("//")) {
            int slash = rest.indexOf('/', 2);
            hosts = slash < 0 ? rest.substring(2) : rest.substring(2, slash);
            database = slash < 0 ? "" : rest.substring(slash + 1);
        } else {
            hosts = "localhost";
            database = rest;
        }
        Map<String, String> params = new LinkedHashMap<>();
        String user = username;
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            switch (key) {
                case "sslmode", "sslrootcert", "sslcert", "sslkey" -> params.put(key, value);
                case "ssl" -> {
                    if ("true".equalsIgnoreCase(value)) {
                        // pgjdbc's ssl=true verifies the certificate and host name
                        params.putIfAbsent("sslmode", "verify-full");
                    }
                }
                case "connectTimeout" -> params.put("connect_timeout", value);
                case "ApplicationName" -> params.put("application_name", value);
                case "targetServerType" -> params.put("target_session_attrs", targetSessionAttrs(value));
                case "user" -> user = value;
                default -> {
                    // pgjdbc-only tuning (prepareThreshold, loadBalanceHosts, …): libpq would refuse it
                }
            }
        }
        List<String> query2 = new ArrayList<>();
        params.forEach((key, value) -> query2.add(key + "=" + encode(value)));
        String url = "postgresql://" + (user.isEmpty() ? "" : encode(user) + "@") + hosts + "/" + database
                + (query2.isEmpty() ? "" : "?" + String.join("&", query2));
        return new PgTarget(url, password.isEmpty() ? null : password);
    }

    private static String targetSessionAttrs(String targetServerType) {
        return switch (targetServerType) {
            case "any" -> "any";
            case "primary", "master" -> "primary";
            case "secondary", "slave" -> "standby";
            case "preferSecondary", "preferSlave" -> "prefer-standby";
            default -> throw new BackupException("targetServerType=" + targetServerType
                    + " has no libpq equivalent: set parley.backup.database-url to the libpq URL to dump");
        };
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
