package io.parley.persistence.postgres;

import io.parley.core.model.BotId;
import io.parley.core.model.IdentitySecret;
import io.parley.core.model.IdentitySecretId;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.Clock;
import io.parley.core.port.IdentityVerification;
import io.r2dbc.spi.Readable;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Bots' identity secrets and {@code verified_visitors_only}. An active secret holds one of two slots,
 * so the database itself refuses a third active secret (see V10). Secrets are sealed for their row.
 */
final class PostgresIdentityVerification implements IdentityVerification {

    private final DatabaseClient db;
    private final Clock clock;
    private final FieldCodec fields;

    PostgresIdentityVerification(DatabaseClient db, Clock clock, FieldCodec fields) {
        this.db = db;
        this.clock = clock;
        this.fields = fields;
    }

    @Override
    public Mono<Boolean> verifiedVisitorsOnly(BotId bot) {
        return db.sql("SELECT verified_visitors_only FROM bots WHERE id = :bot")
                .bind("bot", bot.value())
                .map(row -> Sql.bool(row, "verified_visitors_only"))
                .one()
                .defaultIfEmpty(false);
    }

    @Override
    public Flux<IdentitySecret> activeSecrets(BotId bot) {
        return db.sql("""
                        SELECT id, secret, created_at FROM bot_identity_secrets
                         WHERE bot_id = :bot AND revoked_at IS NULL ORDER BY created_at, id
                        """)
                .bind("bot", bot.value())
                .map(this::secret)
                .all();
    }

    @Override
    public Mono<Settings> settings(WorkspaceId workspace, BotId bot) {
        return db.sql("SELECT verified_visitors_only FROM bots WHERE id = :bot AND workspace_id = :workspace"
                        + " AND archived_at IS NULL")
                .bind("bot", bot.value())
                .bind("workspace", workspace.value())
                .map(row -> Sql.bool(row, "verified_visitors_only"))
                .one()
                .flatMap(verifiedOnly -> activeSecrets(bot).collectList()
                        .map(secrets -> new Settings(verifiedOnly, secrets)));
    }

    @Override
    public Mono<Boolean> setVerifiedVisitorsOnly(WorkspaceId workspace, BotId bot, boolean on) {
        return db.sql("UPDATE bots SET verified_visitors_only = :on WHERE id = :bot AND workspace_id = :workspace"
                        + " AND archived_at IS NULL")
                .bind("on", on)
                .bind("bot", bot.value())
                .bind("workspace", workspace.value())
                .fetch().rowsUpdated()
                .map(rows -> rows > 0);
    }

    @Override
    public Mono<IdentitySecret> createSecret(BotId bot) {
        // Two requests racing for the same free slot: the loser tries once more, for the other slot.
        return insertSecret(bot).switchIfEmpty(Mono.defer(() -> insertSecret(bot)));
    }

    private Mono<IdentitySecret> insertSecret(BotId bot) {
        return Mono.defer(() -> {
                    IdentitySecretId id = SecureIds.identitySecretId();
                    byte[] secret = SecureIds.identitySecret();
                    return db.sql("""
                                    INSERT INTO bot_identity_secrets (id, bot_id, slot, secret, created_at)
                                    SELECT :id, :bot, free.slot, :secret, :createdAt
                                      FROM (SELECT s AS slot FROM generate_series(1, 2) s
                                             WHERE NOT EXISTS (SELECT 1 FROM bot_identity_secrets
                                                     WHERE bot_id = :bot AND slot = s AND revoked_at IS NULL)
                                             ORDER BY s LIMIT 1) free
                                    RETURNING created_at
                                    """)
                            .bind("id", id.value())
                            .bind("bot", bot.value())
                            .bind("secret", fields.sealBytes(Sealed.IDENTITY_SECRET, secret, id.value()))
                            .bind("createdAt", Sql.storable(clock.now()))
                            .map(row -> new IdentitySecret(id, secret, Sql.instant(row, "created_at")))
                            .one();
                })
                // Another request took this free slot at the same moment.
                .onErrorResume(DataIntegrityViolationException.class, e -> Mono.empty());
    }

    @Override
    public Mono<Boolean> revokeSecret(BotId bot, IdentitySecretId id) {
        return db.sql("""
                        UPDATE bot_identity_secrets SET revoked_at = :now
                         WHERE id = :id AND bot_id = :bot AND revoked_at IS NULL
                        """)
                .bind("now", Sql.storable(clock.now()))
                .bind("id", id.value())
                .bind("bot", bot.value())
                .fetch().rowsUpdated()
                .map(rows -> rows > 0);
    }

    private IdentitySecret secret(Readable row) {
        String id = Sql.string(row, "id");
        return new IdentitySecret(new IdentitySecretId(id),
                fields.openBytes(Sealed.IDENTITY_SECRET, Sql.bytes(row, "secret"), id), Sql.instant(row, "created_at"));
    }
}
