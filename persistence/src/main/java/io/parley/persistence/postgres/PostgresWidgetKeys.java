package io.parley.persistence.postgres;

import io.parley.core.model.Bot;
import io.parley.core.model.BotId;
import io.parley.core.model.BotLimits;
import io.parley.core.model.RateLimit;
import io.parley.core.model.ResponderKind;
import io.parley.core.model.SyntheticSettings;
import io.parley.core.model.WidgetKey;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.WidgetKeys;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/** Widget keys with their bot, read from {@code widget_keys} joined with {@code bots}. */
final class PostgresWidgetKeys implements WidgetKeys {

    private final DatabaseClient db;

    PostgresWidgetKeys(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Mono<WidgetKey> find(String publicKey) {
        return db.sql("""
                        SELECT k.key, k.allowed_origins, k.allow_native_clients, k.enabled,
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

    private static WidgetKey widgetKey(Readable row) {
        String[] origins = row.get("allowed_origins", String[].class);
        return new WidgetKey(Sql.string(row, "key"), bot(row), origins == null ? Set.of() : Set.of(origins),
                Sql.bool(row, "allow_native_clients"), Sql.bool(row, "enabled"));
    }

    static Bot bot(Readable row) {
        return new Bot(new BotId(Sql.string(row, "id")), new WorkspaceId(Sql.string(row, "workspace_id")),
                Sql.string(row, "name"), Sql.string(row, "greeting"),
                ResponderKind.valueOf(Sql.string(row, "responder").toUpperCase(Locale.ROOT)),
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
