package io.parley.persistence.postgres;

import io.parley.core.model.Bot;
import io.parley.core.model.BotId;
import io.parley.core.model.BotLimits;
import io.parley.core.model.Page;
import io.parley.core.model.PageCursor;
import io.parley.core.model.RateLimit;
import io.parley.core.model.SyntheticSettings;
import io.parley.core.model.WidgetKey;
import io.parley.core.model.WidgetKeyListing;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Clock;
import io.parley.core.port.WidgetKeyRegistry;
import io.parley.core.port.WidgetKeys;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Set;

/**
 * Widget keys with their bot, read from {@code widget_keys} joined with {@code bots}: the origins and the
 * native-clients flag are the bot's, and a key of an archived bot reads as disabled.
 */
final class PostgresWidgetKeys implements WidgetKeys, WidgetKeyRegistry {

    private final DatabaseClient db;
    private final Clock clock;

    PostgresWidgetKeys(DatabaseClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public Mono<WidgetKey> find(String publicKey) {
        return db.sql("""
                        SELECT k.key, b.allowed_origins, b.allow_native_clients,
                               k.enabled AND b.archived_at IS NULL AS enabled,
                               b.id, b.workspace_id, b.name, b.greeting, b.responder,
                               b.synthetic_tokens, b.synthetic_tokens_per_second,
                               b.messages_per_visitor_permits, b.messages_per_visitor_window_ms,
                               b.messages_per_key_ip_permits, b.messages_per_key_ip_window_ms,
                               b.connections_per_key_ip_permits, b.connections_per_key_ip_window_ms
                          FROM widget_keys k
                          JOIN bots b ON b.id = k.bot_id
                         WHERE k.key = :key""")
                .bind("key", publicKey)
                .map(PostgresWidgetKeys::widgetKey)
                .one();
    }

    @Override
    public Mono<Page<WidgetKeyListing>> list(WorkspaceId workspace, @Nullable BotId bot, int limit,
                                             @Nullable PageCursor after) {
        String sql = """
                SELECT k.key, k.bot_id, k.enabled, k.created_at
                  FROM widget_keys k
                  JOIN bots b ON b.id = k.bot_id
                 WHERE b.workspace_id = :workspaceId AND b.archived_at IS NULL"""
                + (bot == null ? "" : " AND k.bot_id = :botId")
                + (after == null ? "" : " AND (k.created_at, k.key) > (:afterAt, :afterId)")
                + " ORDER BY k.created_at, k.key LIMIT :fetch";
        var query = db.sql(sql)
                .bind("workspaceId", workspace.value())
                .bind("fetch", limit + 1);
        if (bot != null) {
            query = query.bind("botId", bot.value());
        }
        if (after != null) {
            query = query.bind("afterAt", after.at()).bind("afterId", after.id());
        }
        return query.map(PostgresWidgetKeys::listing)
                .all()
                .collectList()
                .map(rows -> Page.of(rows, limit, key -> new PageCursor(key.createdAt(), key.key())));
    }

    @Override
    public Mono<WidgetKeyListing> create(WorkspaceId workspace, BotId bot) {
        return Mono.defer(() -> db.sql("""
                        INSERT INTO widget_keys (key, bot_id, enabled, created_at)
                        SELECT :key, b.id, true, :now FROM bots b
                         WHERE b.id = :botId AND b.workspace_id = :workspaceId AND b.archived_at IS NULL
                        RETURNING key, bot_id, enabled, created_at""")
                .bind("key", SecureIds.widgetKey())
                .bind("botId", bot.value())
                .bind("workspaceId", workspace.value())
                .bind("now", Sql.storable(clock.now()))
                .map(PostgresWidgetKeys::listing)
                .one());
    }

    @Override
    public Mono<WidgetKeyListing> setEnabled(WorkspaceId workspace, String key, boolean enabled) {
        return db.sql("""
                        UPDATE widget_keys k SET enabled = :enabled
                          FROM bots b
                         WHERE k.key = :key AND b.id = k.bot_id AND b.workspace_id = :workspaceId
                           AND b.archived_at IS NULL
                        RETURNING k.key, k.bot_id, k.enabled, k.created_at""")
                .bind("enabled", enabled)
                .bind("key", key)
                .bind("workspaceId", workspace.value())
                .map(PostgresWidgetKeys::listing)
                .one();
    }

    private static WidgetKeyListing listing(Readable row) {
        return new WidgetKeyListing(Sql.string(row, "key"), new BotId(Sql.string(row, "bot_id")),
                Sql.bool(row, "enabled"), Sql.instant(row, "created_at"));
    }

    private static WidgetKey widgetKey(Readable row) {
        String[] origins = row.get("allowed_origins", String[].class);
        return new WidgetKey(Sql.string(row, "key"), bot(row), origins == null ? Set.of() : Set.of(origins),
                Sql.bool(row, "allow_native_clients"), Sql.bool(row, "enabled"));
    }

    static Bot bot(Readable row) {
        return new Bot(new BotId(Sql.string(row, "id")), new WorkspaceId(Sql.string(row, "workspace_id")),
                Sql.string(row, "name"), Sql.string(row, "greeting"),
                PostgresBots.responder(Sql.string(row, "responder")),
                new SyntheticSettings(Sql.intValue(row, "synthetic_tokens"),
                        Sql.intValue(row, "synthetic_tokens_per_second")),
                new BotLimits(
                        rateLimit(row, "messages_per_visitor"),
                        rateLimit(row, "messages_per_key_ip"),
                        rateLimit(row, "connections_per_key_ip")));
    }

    private static RateLimit rateLimit(Readable row, String prefix) {
        int permits = Sql.intValue(row, prefix + "_permits");
        return permits == 0
                ? RateLimit.UNLIMITED
                : new RateLimit(permits, Duration.ofMillis(Sql.longValue(row, prefix + "_window_ms")));
    }
}
