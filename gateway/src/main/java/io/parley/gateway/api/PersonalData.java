package io.parley.gateway.api;

import org.jspecify.annotations.Nullable;

/**
 * Masks a visitor's personal data for callers without {@link io.parley.core.model.Permission#PERSONAL_DATA_READ}.
 * Every place data leaves the server (REST bodies, WebSocket events, exports, webhooks) goes through
 * these, so a viewer sees the shape ({@code j***@e***.com}) and never the value.
 */
public final class PersonalData {
    private static final String STARS = "***";

    private PersonalData() {
    }

    /** {@code jane.doe@example.com} → {@code j***@e***.com}. */
    public static @Nullable String email(@Nullable String email, boolean shown) {
        if (email == null || shown) {
            return email;
        }
        int at = email.lastIndexOf('@');
        if (at <= 0) {
            return STARS;
        }
        String domain = email.substring(at + 1);
        int dot = domain.lastIndexOf('.');
        String tld = dot > 0 ? domain.substring(dot) : "";
        return first(email) + STARS + "@" + (domain.isEmpty() ? "" : first(domain) + STARS) + tld;
    }

    /** {@code Jane Doe} → {@code J*** D***}. */
    public static @Nullable String name(@Nullable String name, boolean shown) {
        if (name == null || shown) {
            return name;
        }
        String[] words = name.strip().split("\\s+");
        StringBuilder masked = new StringBuilder();
        for (String word : words) {
            if (!word.isEmpty()) {
                masked.append(masked.isEmpty() ? "" : " ").append(first(word)).append(STARS);
            }
        }
        return masked.isEmpty() ? STARS : masked.toString();
    }

    /** {@code +44 20 7946 0958} → {@code ***58}. */
    public static @Nullable String phone(@Nullable String phone, boolean shown) {
        if (phone == null || shown) {
            return phone;
        }
        String digits = phone.replaceAll("\\D", "");
        return STARS + (digits.length() > 6 ? digits.substring(digits.length() - 2) : "");
    }

    /** {@code 203.0.113.7} → {@code 203.0.x.x}; {@code 2001:db8::1} → {@code 2001:db8:x:x…}. */
    public static @Nullable String ip(@Nullable String ip, boolean shown) {
        if (ip == null || shown) {
            return ip;
        }
        if (ip.contains(":")) {
            String[] groups = ip.split(":");
            return groups.length >= 2 ? groups[0] + ":" + groups[1] + ":x:x…" : "x:x…";
        }
        String[] parts = ip.split("\\.");
        return parts.length == 4 ? parts[0] + "." + parts[1] + ".x.x" : "x.x.x.x";
    }

    private static String first(String text) {
        return new String(Character.toChars(text.codePointAt(0)));
    }
}
