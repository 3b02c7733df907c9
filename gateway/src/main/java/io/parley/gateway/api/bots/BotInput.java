package io.parley.gateway.api.bots;

import io.parley.core.model.BotDraft;
import io.parley.core.model.BotLimits;
import io.parley.core.model.RateLimit;
import io.parley.core.model.ResponderKind;
import io.parley.core.model.SyntheticSettings;
import io.parley.core.port.Bots;
import io.parley.gateway.api.ApiProblem;
import io.parley.gateway.api.ApiProblem.FieldError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A bot's settings as sent (POST and PATCH share one shape: a field left out keeps its current value, or its
 * default on create), checked field by field and merged onto the bot's current settings.
 */
final class BotInput {
    static final int MAX_NAME = 100;
    static final int MAX_GREETING = 1000;
    static final int MAX_MODEL = 200;
    static final int MAX_API_KEY = 1000;
    static final int MAX_ORIGINS = 50;
    static final int MAX_TOKENS = 10_000;
    static final int MAX_TOKENS_PER_SECOND = 1000;
    static final int MAX_WINDOW_SECONDS = 86_400;

    /** What a new bot starts from; name and greeting have no default and must be sent. */
    static final BotDraft DEFAULTS = new BotDraft("", "", ResponderKind.KNOWLEDGE_BASE, SyntheticSettings.DEFAULT,
            null, null, BotLimits.DEFAULTS, List.of(), false);

    private static final Map<String, ResponderKind> RESPONDERS = Map.of(
            "knowledge", ResponderKind.KNOWLEDGE_BASE,
            "openai", ResponderKind.OPENAI,
            "synthetic", ResponderKind.SYNTHETIC);

    private BotInput() {
    }

    public record BotRequest(@Nullable String name, @Nullable String greeting, @Nullable String responder,
                             @Nullable SyntheticRequest synthetic, @Nullable OpenAiRequest openai,
                             @Nullable RateLimitsRequest rateLimits, @Nullable List<String> allowedOrigins,
                             @Nullable Boolean allowNativeClients) {
    }

    public record SyntheticRequest(@Nullable Integer tokens, @Nullable Integer tokensPerSecond) {
    }

    /** {@code apiKey} is write-only; an empty string removes it. */
    public record OpenAiRequest(@Nullable String baseUrl, @Nullable String model, @Nullable String apiKey) {
        /** Never the key: request bodies are logged at DEBUG, and a key has no shape the log masks know. */
        @Override
        public String toString() {
            return "OpenAiRequest[baseUrl=" + baseUrl + ", model=" + model + ", apiKey="
                    + (apiKey == null ? "null" : "(given)") + "]";
        }
    }

    public record RateLimitsRequest(@Nullable RateLimitRequest messagesPerVisitor,
                                    @Nullable RateLimitRequest messagesPerKeyAndIp,
                                    @Nullable RateLimitRequest connectionsPerKeyAndIp) {
    }

    public record RateLimitRequest(@Nullable Integer permits, @Nullable Integer windowSeconds) {
    }

    /** The settings to store, what to do with the API key, and the names of the fields the request set. */
    record Merged(BotDraft draft, Bots.ApiKeyChange apiKey, Set<String> fields) {
    }

    static String wire(ResponderKind responder) {
        return RESPONDERS.entrySet().stream().filter(entry -> entry.getValue() == responder)
                .map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    /** {@code body} over {@code current}; throws one {@link ApiProblem} naming every bad field. */
    static Merged merge(BotRequest body, BotDraft current, boolean creating) {
        List<FieldError> errors = new ArrayList<>();
        Set<String> fields = new TreeSet<>();

        String name = current.name();
        if (body.name() != null || creating) {
            fields.add("name");
            name = text(body.name(), "name", MAX_NAME, errors);
        }
        String greeting = current.greeting();
        if (body.greeting() != null || creating) {
            fields.add("greeting");
            greeting = text(body.greeting(), "greeting", MAX_GREETING, errors);
        }
        ResponderKind responder = current.responder();
        if (body.responder() != null) {
            fields.add("responder");
            ResponderKind sent = RESPONDERS.get(body.responder());
            if (sent == null) {
                errors.add(new FieldError("responder", "Give one of " + new TreeSet<>(RESPONDERS.keySet()) + "."));
            } else {
                responder = sent;
            }
        }

        SyntheticSettings synthetic = current.synthetic();
        if (body.synthetic() != null) {
            fields.add("synthetic");
            int tokens = bounded(body.synthetic().tokens(), synthetic.tokens(), "synthetic.tokens", 1, MAX_TOKENS, errors);
            int rate = bounded(body.synthetic().tokensPerSecond(), synthetic.tokensPerSecond(),
                    "synthetic.tokensPerSecond", 1, MAX_TOKENS_PER_SECOND, errors);
            synthetic = new SyntheticSettings(Math.max(tokens, 1), Math.max(rate, 1));
        }

        String baseUrl = current.openAiBaseUrl();
        String model = current.openAiModel();
        Bots.ApiKeyChange apiKey = Bots.ApiKeyChange.KEEP;
        OpenAiRequest openai = body.openai();
        if (openai != null) {
            fields.add("openai");
            if (openai.baseUrl() != null) {
                String problem = openai.baseUrl().isEmpty() ? "Give a URL." : AllowedOrigins.baseUrlProblem(openai.baseUrl());
                if (problem != null) {
                    errors.add(new FieldError("openai.baseUrl", problem));
                }
                baseUrl = openai.baseUrl();
            }
            if (openai.model() != null) {
                model = text(openai.model(), "openai.model", MAX_MODEL, errors);
            }
            if (openai.apiKey() != null) {
                // the message never repeats the key
                if (openai.apiKey().length() > MAX_API_KEY || openai.apiKey().indexOf('\0') >= 0
                        || (!openai.apiKey().isEmpty() && openai.apiKey().isBlank())) {
                    errors.add(new FieldError("openai.apiKey",
                            "Give the key as issued (at most " + MAX_API_KEY + " characters), or \"\" to remove it."));
                }
                apiKey = Bots.ApiKeyChange.to(openai.apiKey().isEmpty() ? null : openai.apiKey());
            }
        }
        if (apiKey == Bots.ApiKeyChange.KEEP && baseUrl != null && current.openAiBaseUrl() != null
                && !baseUrl.equals(current.openAiBaseUrl())) {
            // a stored key is never sent to an address it was not given for
            errors.add(new FieldError("openai.apiKey",
                    "Changing openai.baseUrl needs the API key for the new address in the same request (or \"\" for none)."));
        }
        if (responder == ResponderKind.OPENAI) {
            if (baseUrl == null) {
                errors.add(new FieldError("openai.baseUrl", "Required when the responder is openai."));
            }
            if (model == null) {
                errors.add(new FieldError("openai.model", "Required when the responder is openai."));
            }
        }

        BotLimits limits = current.limits();
        RateLimitsRequest rateLimits = body.rateLimits();
        if (rateLimits != null) {
            fields.add("rateLimits");
            limits = new BotLimits(
                    limit(rateLimits.messagesPerVisitor(), limits.messagesPerVisitor(), "rateLimits.messagesPerVisitor", errors),
                    limit(rateLimits.messagesPerKeyAndIp(), limits.messagesPerKeyAndIp(), "rateLimits.messagesPerKeyAndIp", errors),
                    limit(rateLimits.connectionsPerKeyAndIp(), limits.connectionsPerKeyAndIp(),
                            "rateLimits.connectionsPerKeyAndIp", errors));
        }

        List<String> origins = current.allowedOrigins();
        if (body.allowedOrigins() != null) {
            fields.add("allowedOrigins");
            origins = origins(body.allowedOrigins(), errors);
        }
        boolean allowNative = current.allowNativeClients();
        if (body.allowNativeClients() != null) {
            fields.add("allowNativeClients");
            allowNative = body.allowNativeClients();
        }

        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return new Merged(new BotDraft(name, greeting, responder, synthetic, baseUrl, model, limits, origins, allowNative),
                apiKey, fields);
    }

    /** Required text of 1..max characters, not blank, stored exactly as sent. */
    static String text(@Nullable String value, String field, int max, List<FieldError> errors) {
        if (value == null || value.isBlank() || value.codePointCount(0, value.length()) > max
                || value.indexOf('\0') >= 0) {
            errors.add(new FieldError(field, "Give 1 to " + max + " characters (not only spaces, no NUL)."));
            return "";
        }
        return value;
    }

    private static int bounded(@Nullable Integer value, int current, String field, int min, int max,
                               List<FieldError> errors) {
        if (value == null) {
            return current;
        }
        if (value < min || value > max) {
            errors.add(new FieldError(field, "Give a whole number from " + min + " to " + max + "."));
        }
        return value;
    }

    private static RateLimit limit(@Nullable RateLimitRequest sent, RateLimit current, String field,
                                   List<FieldError> errors) {
        if (sent == null) {
            return current;
        }
        int before = errors.size();
        int permits = bounded(sent.permits(), current.permits(), field + ".permits", 0, Integer.MAX_VALUE, errors);
        long seconds = sent.windowSeconds() == null ? current.window().toSeconds()
                : bounded(sent.windowSeconds(), 0, field + ".windowSeconds", 1, MAX_WINDOW_SECONDS, errors);
        if (errors.size() == before && permits > 0 && seconds < 1) {
            errors.add(new FieldError(field + ".windowSeconds", "A limit of 1 or more permits needs a window of 1 to "
                    + MAX_WINDOW_SECONDS + " seconds."));
        }
        return errors.size() == before ? new RateLimit(permits, Duration.ofSeconds(seconds)) : current;
    }

    private static List<String> origins(List<String> sent, List<FieldError> errors) {
        if (sent.size() > MAX_ORIGINS) {
            errors.add(new FieldError("allowedOrigins", "Give at most " + MAX_ORIGINS + " origins."));
            return List.of();
        }
        Set<String> origins = new LinkedHashSet<>();
        for (int i = 0; i < sent.size(); i++) {
            AllowedOrigins.Checked checked = AllowedOrigins.origin(sent.get(i));
            if (checked.origin() != null) {
                origins.add(checked.origin());
            } else {
                errors.add(new FieldError("allowedOrigins[" + i + "]", Optional.ofNullable(checked.problem()).orElse("")));
            }
        }
        return List.copyOf(origins);
    }
}
