package io.parley.persistence.postgres;

import io.parley.core.model.BotDraft;
import io.parley.core.model.BotId;
import io.parley.core.model.BotLimits;
import io.parley.core.model.BotSettings;
import io.parley.core.model.OpenAiSettings;
import io.parley.core.model.OpenAiUpstream;
import io.parley.core.model.Page;
import io.parley.core.model.PageCursor;
import io.parley.core.model.RateLimit;
import io.parley.core.model.ResponderKind;
import io.parley.core.model.SyntheticSettings;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Bots;
import io.parley.core.port.Clock;
import io.parley.core.port.OpenAiUpstreams;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Bots in table {@code bots}; archived ones ({@code archived_at} set) are invisible here. The OpenAI API
 * key is sealed for its bot's row and never selected by {@link Bots}' reads, which only tell whether one is
 * set; only {@link OpenAiUpstreams#of}, for the upstream call itself, reads and opens it.
 */
final class PostgresBots implements Bots, OpenAiUpstreams {

    private static final String COLUMNS = """
            id, workspace_id, name, greeting, responder, synthetic_tokens, synthetic_tokens_per_second,
            openai_base_url, openai_model, openai_api_key IS NOT NULL AS openai_api_key_set,
            messages_per_visitor_permits, messages_per_visitor_window_ms,
            messages_per_key_ip_permits, messages_per_key_ip_window_ms,
            connections_per_key_ip_permits, connections_per_key_ip_window_ms,
            allowed_origins, allow_native_clients, created_at""";

    private final DatabaseClient db;
    private final Clock clock;
    private final FieldCodec fields;

    PostgresBots(DatabaseClient db, Clock clock, FieldCodec fields) {
        this.db = db;
        this.clock = clock;
        this.fields = fields;
    }

    @Override
    public Mono<Page<BotSettings>> list(WorkspaceId workspace, int limit, @Nullable PageCursor after) {
        var query = db.sql("SELECT " + COLUMNS + " FROM bots WHERE workspace_id = :workspaceId AND archived_at IS NULL"
                        + (after == null ? "" : " AND (created_at, id) > (:afterAt, :afterId)")
                        + " ORDER BY created_at, id LIMIT :fetch")
                .bind("workspaceId", workspace.value())
                .bind("fetch", limit + 1);
        if (after != null) {
            query = query.bind("afterAt", after.at()).bind("afterId", after.id());
        }
        return query.map(PostgresBots::settings)
                .all()
                .collectList()
                .map(rows -> Page.of(rows, limit, bot -> new PageCursor(bot.createdAt(), bot.id().value())));
    }

    @Override
    public Mono<BotSettings> find(WorkspaceId workspace, BotId bot) {
        return db.sql("SELECT " + COLUMNS + " FROM bots WHERE id = :id AND workspace_id = :workspaceId "
                        + "AND archived_at IS NULL")
                .bind("id", bot.value())
                .bind("workspaceId", workspace.value())
                .map(PostgresBots::settings)
                .one();
    }

    @Override
    public Mono<BotSettings> create(WorkspaceId workspace, BotDraft draft, @Nullable String openAiApiKey) {
        return Mono.defer(() -> {
            String id = SecureIds.botId().value();
            var insert = db.sql("""
                            INSERT INTO bots (id, workspace_id, name, greeting, responder,
                                              synthetic_tokens, synthetic_tokens_per_second,
                                              openai_base_url, openai_model, openai_api_key,
                                              messages_per_visitor_permits, messages_per_visitor_window_ms,
                                              messages_per_key_ip_permits, messages_per_key_ip_window_ms,
                                              connections_per_key_ip_permits, connections_per_key_ip_window_ms,
                                              allowed_origins, allow_native_clients, created_at)
                            VALUES (:id, :workspaceId, :name, :greeting, :responder, :tokens, :tokensPerSecond,
                                    :baseUrl, :model, :apiKey, :mvPermits, :mvWindow, :mkPermits, :mkWindow,
                                    :ckPermits, :ckWindow, :origins, :allowNative, :now)
                            RETURNING\s""" + COLUMNS)
                    .bind("id", id)
                    .bind("workspaceId", workspace.value())
                    .bind("now", Sql.storable(clock.now()));
            insert = Sql.bindNullable(insert, "apiKey", fields.sealNullable(Sealed.BOT_OPENAI_API_KEY, openAiApiKey, id),
                    byte[].class);
            return bindDraft(insert, draft).map(PostgresBots::settings).one();
        });
    }

    @Override
    public Mono<BotSettings> update(WorkspaceId workspace, BotId bot, BotDraft draft, ApiKeyChange openAiApiKey) {
        return Mono.defer(() -> updateNow(workspace, bot, draft, openAiApiKey));
    }

    private Mono<BotSettings> updateNow(WorkspaceId workspace, BotId bot, BotDraft draft, ApiKeyChange openAiApiKey) {
        var update = db.sql("""
                        UPDATE bots SET (name, greeting, responder, synthetic_tokens, synthetic_tokens_per_second,
                                         openai_base_url, openai_model,
                                         messages_per_visitor_permits, messages_per_visitor_window_ms,
                                         messages_per_key_ip_permits, messages_per_key_ip_window_ms,
                                         connections_per_key_ip_permits, connections_per_key_ip_window_ms,
                                         allowed_origins, allow_native_clients)
                                      = (:name, :greeting, :responder, :tokens, :tokensPerSecond, :baseUrl, :model,
                                         :mvPermits, :mvWindow, :mkPermits, :mkWindow, :ckPermits, :ckWindow,
                                         :origins, :allowNative)"""
                        + (openAiApiKey.replace() ? ", openai_api_key = :apiKey" : "")
                        + " WHERE id = :id AND workspace_id = :workspaceId AND archived_at IS NULL RETURNING " + COLUMNS)
                .bind("id", bot.value())
                .bind("workspaceId", workspace.value());
        if (openAiApiKey.replace()) {
            update = Sql.bindNullable(update, "apiKey",
                    fields.sealNullable(Sealed.BOT_OPENAI_API_KEY, openAiApiKey.key(), bot.value()), byte[].class);
        }
        return bindDraft(update, draft).map(PostgresBots::settings).one();
    }

    @Override
    public Mono<Boolean> archive(WorkspaceId workspace, BotId bot) {
        return Mono.defer(() -> db.sql("""
                        UPDATE bots SET archived_at = :now
                         WHERE id = :id AND workspace_id = :workspaceId AND archived_at IS NULL
                        RETURNING id""")
                .bind("now", Sql.storable(clock.now()))
                .bind("id", bot.value())
                .bind("workspaceId", workspace.value())
                .map(row -> true)
                .one()
                .defaultIfEmpty(false));
    }

    @Override
    public Mono<OpenAiUpstream> of(BotId bot) {
        return db.sql("""
                        SELECT openai_base_url, openai_model, openai_api_key FROM bots
                         WHERE id = :id AND archived_at IS NULL
                           AND openai_base_url IS NOT NULL AND openai_model IS NOT NULL""")
                .bind("id", bot.value())
                .map(row -> new OpenAiUpstream(Sql.string(row, "openai_base_url"), Sql.string(row, "openai_model"),
                        fields.openNullable(Sealed.BOT_OPENAI_API_KEY, Sql.nullableBytes(row, "openai_api_key"),
                                bot.value())))
                .one();
    }

    private static GenericExecuteSpec bindDraft(GenericExecuteSpec spec, BotDraft draft) {
        BotLimits limits = draft.limits();
        spec = spec.bind("name", draft.name())
                .bind("greeting", draft.greeting())
                .bind("responder", wire(draft.responder()))
                .bind("tokens", draft.synthetic().tokens())
                .bind("tokensPerSecond", draft.synthetic().tokensPerSecond())
                .bind("mvPermits", limits.messagesPerVisitor().permits())
                .bind("mvWindow", limits.messagesPerVisitor().window().toMillis())
                .bind("mkPermits", limits.messagesPerKeyAndIp().permits())
                .bind("mkWindow", limits.messagesPerKeyAndIp().window().toMillis())
                .bind("ckPermits", limits.connectionsPerKeyAndIp().permits())
                .bind("ckWindow", limits.connectionsPerKeyAndIp().window().toMillis())
                .bind("origins", draft.allowedOrigins().toArray(String[]::new))
                .bind("allowNative", draft.allowNativeClients());
        spec = Sql.bindNullable(spec, "baseUrl", draft.openAiBaseUrl(), String.class);
        return Sql.bindNullable(spec, "model", draft.openAiModel(), String.class);
    }

    private static BotSettings settings(Readable row) {
        String[] origins = row.get("allowed_origins", String[].class);
        return new BotSettings(new BotId(Sql.string(row, "id")), new WorkspaceId(Sql.string(row, "workspace_id")),
                Sql.string(row, "name"), Sql.string(row, "greeting"), responder(Sql.string(row, "responder")),
                new SyntheticSettings(Sql.intValue(row, "synthetic_tokens"),
                        Sql.intValue(row, "synthetic_tokens_per_second")),
                new OpenAiSettings(Sql.nullableString(row, "openai_base_url"), Sql.nullableString(row, "openai_model"),
                        Sql.bool(row, "openai_api_key_set")),
                new BotLimits(storedLimit(row, "messages_per_visitor"), storedLimit(row, "messages_per_key_ip"),
                        storedLimit(row, "connections_per_key_ip")),
                origins == null ? List.of() : List.of(origins), Sql.bool(row, "allow_native_clients"),
                Sql.instant(row, "created_at"));
    }

    /** The limit as stored, window included even when 0 permits lift it (administrators see what they set). */
    private static RateLimit storedLimit(Readable row, String prefix) {
        return new RateLimit(Sql.intValue(row, prefix + "_permits"),
                Duration.ofMillis(Sql.longValue(row, prefix + "_window_ms")));
    }

    static ResponderKind responder(String stored) {
        return ResponderKind.valueOf(stored.toUpperCase(Locale.ROOT));
    }

    static String wire(ResponderKind responder) {
        return responder.name().toLowerCase(Locale.ROOT);
    }
}
