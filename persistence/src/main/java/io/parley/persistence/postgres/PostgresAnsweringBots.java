package io.parley.persistence.postgres;

import io.parley.core.model.Bot;
import io.parley.core.model.BotId;
import io.parley.core.model.WidgetKey;
import io.parley.core.port.AnsweringBots;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** A bot as the engine runs it, read through one of its widget keys (the bot is the same through each). */
final class PostgresAnsweringBots implements AnsweringBots {
    private final DatabaseClient db;
    private final PostgresWidgetKeys widgetKeys;

    PostgresAnsweringBots(DatabaseClient db, PostgresWidgetKeys widgetKeys) {
        this.db = db;
        this.widgetKeys = widgetKeys;
    }

    @Override
    public Mono<Bot> find(BotId botId) {
        return db.sql("SELECT key FROM widget_keys WHERE bot_id = :botId ORDER BY enabled DESC, created_at LIMIT 1")
                .bind("botId", botId.value())
                .map(row -> Sql.string(row, "key"))
                .one()
                .flatMap(widgetKeys::find)
                .map(WidgetKey::bot);
    }
}
