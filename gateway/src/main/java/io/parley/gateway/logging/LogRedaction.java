package io.parley.gateway.logging;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one list of what never reaches a log line, shared by the JSON encoder (as a value and field
 * masker) and the text encoder (over the whole line, stack trace included).
 *
 * <p>Masked in any text: {@code Authorization}, {@code Cookie} and {@code Set-Cookie} values; Bearer
 * and Basic credentials; values of names like {@code token}, {@code secret}, {@code password},
 * {@code apiKey}; the console's {@code __Host-} cookies; JWTs (access and identity tokens); server API
 * keys ({@code sk_…}; public {@code pk_…} widget keys stay) and OpenAI-style keys ({@code sk-…});
 * visitor tokens ({@code v1.…}); the 32-byte base64url secrets without a prefix (magic-link and
 * refresh tokens, identity secrets) and 32-byte base64 keys; e-mail addresses (also URL-encoded).
 * IP addresses keep their network only: {@code 203.0.113.x}, {@code 2001:db8:85a3:x} (IPv6 /48), so
 * a line still tells which network a client came from without naming the client.
 *
 * <p>Fields (MDC, key-value pairs, structured arguments) whose name says they hold a secret or an
 * e-mail are masked whole, whatever their value; see {@link #sensitiveField(String)}.
 */
public final class LogRedaction {
    public static final String MASK = "[masked]";

    private record Rule(Pattern pattern, Function<MatchResult, String> replacement) {
        String apply(String text) {
            Matcher matcher = pattern.matcher(text);
            return matcher.find() ? matcher.replaceAll(m -> Matcher.quoteReplacement(replacement.apply(m))) : text;
        }
    }

    private static final String B64URL = "[A-Za-z0-9_-]";
    private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final String HEXTET = "[0-9A-Fa-f]{1,4}";

    /** Applied in this order: whole values by their name first, then secrets and personal data by their shape. */
    private static final List<Rule> RULES = List.of(
            // Authorization: Bearer x / Cookie: a=b; c=d / {set-cookie=[...]} / [Authorization:"..."]
            new Rule(Pattern.compile("(?i)\\b(proxy-authorization|authorization|set-cookie|cookie)(\"?\\s*[:=]\\s*)"
                    + "(\\[[^\\]\\r\\n]*]|\"[^\"\\r\\n]*\"|'[^'\\r\\n]*'|[^\\r\\n,}\\]]*)"),
                    m -> m.group(1) + m.group(2) + MASK),
            new Rule(Pattern.compile("(?i)\\b(bearer)\\s+[A-Za-z0-9._~+/=-]+|\\b(Basic)\\s+[A-Za-z0-9+/]{8,}=*"),
                    m -> (m.group(1) != null ? m.group(1) : m.group(2)) + " " + MASK),
            // refreshToken=…, "secret":"…", apiKey: …, password=…, client_secret=…
            new Rule(Pattern.compile("(?i)\\b([A-Za-z0-9_.-]*?(?:token|secret|password|passwd|api[_-]?key|pepper"
                    + "|credentials?|private[_-]?key))\\b(\"?\\s*[:=]\\s*)(\"[^\"]*\"|'[^']*'|[^\\s\"',;&)}\\]]+)"),
                    m -> m.group(1) + m.group(2) + MASK),
            new Rule(Pattern.compile("\\b(__Host-[A-Za-z0-9_-]+)=[^;,\\s\"\\]]+"), m -> m.group(1) + "=" + MASK),
            new Rule(Pattern.compile("\\beyJ" + B64URL + "+\\." + B64URL + "+\\." + B64URL + "*"), m -> "eyJ" + MASK),
            new Rule(Pattern.compile("\\bsk_" + B64URL + "{8,}"), m -> "sk_" + MASK),
            new Rule(Pattern.compile("\\bsk-" + B64URL + "{16,}"), m -> "sk-" + MASK),
            new Rule(Pattern.compile("\\bv1\\." + B64URL + "+\\." + B64URL + "+\\.[0-9]+\\." + B64URL + "+"),
                    m -> "v1." + MASK),
            // 32 random bytes: base64 with its one '=', or base64url without padding (43)
            new Rule(Pattern.compile("(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{43}=(?![A-Za-z0-9+/=])"), m -> MASK),
            new Rule(Pattern.compile("(?<![A-Za-z0-9_-])" + B64URL + "{43}(?![A-Za-z0-9_-])"), m -> MASK),
            new Rule(Pattern.compile("[\\p{L}\\p{N}._%+-]+(?:@|%40)[\\p{L}\\p{N}-]+(?:\\.[\\p{L}\\p{N}-]+)*\\.\\p{L}{2,}"),
                    m -> "[email " + MASK + "]"),
            new Rule(Pattern.compile("(?<![0-9.])(" + OCTET + "\\." + OCTET + "\\." + OCTET + ")\\." + OCTET
                    + "(?![0-9]|\\.[0-9])"), m -> m.group(1) + ".x"),
            new Rule(Pattern.compile("(?<![0-9A-Za-z_:.])(?:(?:" + HEXTET + ":){7}" + HEXTET + "|(?:" + HEXTET + "(?::"
                    + HEXTET + ")*)?::(?:" + HEXTET + "(?::" + HEXTET + ")*)?)(?![0-9A-Za-z_:]|\\.[0-9])"),
                    m -> ipv6Network(m.group())));

    /** Normalised field names (lower case, no '-', '_' or '.') masked whatever they hold: exact names. */
    private static final Set<String> SENSITIVE_NAMES = Set.of("authorization", "proxyauthorization", "cookie",
            "setcookie", "cookies", "credentials", "credential", "phone", "phonenumber");
    /** ...and names ending so, e.g. refreshToken, identity_secret, visitorEmail, client-password. */
    private static final List<String> SENSITIVE_SUFFIXES = List.of("token", "secret", "password", "passwd", "apikey",
            "pepper", "privatekey", "email", "emailaddress");
    /** Fields that hold a client's address: their IP keeps its network (as in text), anything else is masked. */
    private static final Set<String> ADDRESS_NAMES = Set.of("ip", "ipaddress", "clientip", "clientaddress", "remoteip",
            "remoteaddr", "remoteaddress", "visitorip", "xforwardedfor", "xrealip", "forwarded");

    private LogRedaction() {
    }

    /** {@code text} with every secret and personal datum of the list masked. */
    public static String redact(String text) {
        String redacted = text;
        for (Rule rule : RULES) {
            redacted = rule.apply(redacted);
        }
        return redacted;
    }

    /** Whether a field of this name is masked whole (its value never written). */
    public static boolean sensitiveField(String name) {
        String normalised = normalise(name);
        return SENSITIVE_NAMES.contains(normalised) || SENSITIVE_SUFFIXES.stream().anyMatch(normalised::endsWith);
    }

    /** Whether a field of this name holds a client's address. */
    public static boolean addressField(String name) {
        return ADDRESS_NAMES.contains(normalise(name));
    }

    /** The value of an address field: its IPs cut to their networks, or the mask when it holds no IP. */
    public static String redactAddress(String value) {
        String redacted = redact(value);
        return redacted.equals(value) && !value.isBlank() ? MASK : redacted;
    }

    private static String normalise(String name) {
        return name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "").replace(".", "");
    }

    /** The /48 network of an IPv6 address as {@code a:b:c:x}; the loopback {@code ::1} and a bare "::" as they are. */
    private static String ipv6Network(String address) {
        if (address.equals("::") || address.equals("::1")) {
            return address;
        }
        int gap = address.indexOf("::");
        List<String> groups;
        if (gap < 0) {
            groups = List.of(address.split(":"));
        } else {
            List<String> head = gap == 0 ? List.of() : List.of(address.substring(0, gap).split(":"));
            List<String> tail = gap + 2 >= address.length() ? List.of() : List.of(address.substring(gap + 2).split(":"));
            java.util.ArrayList<String> all = new java.util.ArrayList<>(head);
            for (int i = head.size() + tail.size(); i < 8; i++) {
                all.add("0");
            }
            all.addAll(tail);
            groups = all;
        }
        return groups.get(0) + ":" + groups.get(1) + ":" + groups.get(2) + ":x";
    }
}
