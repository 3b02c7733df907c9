package io.parley.persistence.postgres;

import io.parley.core.model.OperatorId;
import io.parley.core.port.Clock;
import io.parley.core.port.RefreshTokens;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

import java.time.Instant;

/**
 * Refresh tokens in table {@code refresh_tokens}, keyed by the token's hash, in families of
 * {@code refresh_token_families}. A use marks the token used in one conditional {@code UPDATE}: racing uses
 * of one token on any nodes wait for each other's row lock, the first takes it and every later one finds it
 * used, which revokes the family.
 */
final class PostgresRefreshTokens implements RefreshTokens {

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final Clock clock;

    PostgresRefreshTokens(DatabaseClient db, TransactionalOperator tx, Clock clock) {
        this.db = db;
        this.tx = tx;
        this.clock = clock;
    }

    @Override
    public Mono<Void> store(byte[] tokenHash, String familyId, OperatorId operator, long sessionVersion,
                            Instant expiresAt) {
        // The first token of a login creates its family. A family of another operator fails the token's
        // foreign key on (family_id, operator_id) and stores nothing.
        return tx.transactional(Mono.defer(() -> {
            Instant now = Sql.storable(clock.now());
            return db.sql("""
                            INSERT INTO refresh_token_families (family_id, operator_id, created_at)
                            VALUES (:familyId, :operatorId, :createdAt)
                            ON CONFLICT (family_id) DO NOTHING""")
                    .bind("familyId", familyId)
                    .bind("operatorId", operator.value())
                    .bind("createdAt", now)
                    .then()
                    .then(db.sql("""
                                    INSERT INTO refresh_tokens (token_hash, family_id, operator_id, session_version,
                                                                issued_at, expires_at)
                                    VALUES (:tokenHash, :familyId, :operatorId, :sessionVersion, :issuedAt,
                                            :expiresAt)""")
                            .bind("tokenHash", tokenHash)
                            .bind("familyId", familyId)
                            .bind("operatorId", operator.value())
                            .bind("sessionVersion", sessionVersion)
                            .bind("issuedAt", now)
                            .bind("expiresAt", Sql.storable(expiresAt))
                            .then());
        }));
    }

    @Override
    public Mono<Use> use(byte[] tokenHash, Instant now) {
        return markUsed(tokenHash, now).switchIfEmpty(Mono.defer(() -> notUsable(tokenHash)));
    }

    @Override
    public Mono<Void> revokeFamily(String familyId) {
        // An unknown family has nothing to revoke.
        return db.sql("""
                        UPDATE refresh_token_families SET revoked_at = :now
                         WHERE family_id = :familyId AND revoked_at IS NULL""")
                .bind("now", Sql.storable(clock.now()))
                .bind("familyId", familyId)
                .then();
    }

    @Override
    public Mono<Void> revokeFamilyOf(byte[] tokenHash) {
        return db.sql("""
                        UPDATE refresh_token_families f SET revoked_at = :now
                          FROM refresh_tokens t
                         WHERE t.token_hash = :hash AND f.family_id = t.family_id AND f.revoked_at IS NULL""")
                .bind("now", Sql.storable(clock.now()))
                .bind("hash", tokenHash)
                .then();
    }

    @Override
    public Mono<Boolean> isRevoked(String familyId) {
        return db.sql("SELECT revoked_at IS NOT NULL AS revoked FROM refresh_token_families WHERE family_id = :familyId")
                .bind("familyId", familyId)
                .map(row -> Sql.bool(row, "revoked"))
                .one()
                .defaultIfEmpty(true);
    }

    /** The one statement that may answer Valid: it sets used_at only where it is still null. */
    private Mono<Use> markUsed(byte[] tokenHash, Instant now) {
        return db.sql("""
                        UPDATE refresh_tokens t SET used_at = :now
                          FROM refresh_token_families f
                         WHERE t.token_hash = :tokenHash AND t.used_at IS NULL AND t.expires_at > :now
                           AND f.family_id = t.family_id AND f.revoked_at IS NULL
                        RETURNING t.family_id, t.operator_id, t.session_version""")
                .bind("now", Sql.storable(now))
                .bind("tokenHash", tokenHash)
                .map(row -> (Use) new Use.Valid(Sql.string(row, "family_id"),
                        new OperatorId(Sql.string(row, "operator_id")), Sql.longValue(row, "session_version")))
                .one();
    }

    /**
     * Why a token was not usable. Read after {@link #markUsed} updated nothing, so a racing use that took the
     * token has committed and shows here as used. A revoked family answers Invalid, even for a used token.
     */
    private Mono<Use> notUsable(byte[] tokenHash) {
        return db.sql("""
                        SELECT t.family_id, t.operator_id, t.used_at IS NOT NULL AS used,
                               f.revoked_at IS NOT NULL AS revoked
                          FROM refresh_tokens t
                          JOIN refresh_token_families f ON f.family_id = t.family_id
                         WHERE t.token_hash = :tokenHash""")
                .bind("tokenHash", tokenHash)
                .map(row -> {
                    if (Sql.bool(row, "revoked") || !Sql.bool(row, "used")) {
                        return (Use) new Use.Invalid();
                    }
                    return new Use.Reused(Sql.string(row, "family_id"), new OperatorId(Sql.string(row, "operator_id")));
                })
                .one()
                .flatMap(use -> use instanceof Use.Reused reused
                        ? revokeFamily(reused.familyId()).thenReturn(use)
                        : Mono.just(use))
                .defaultIfEmpty(new Use.Invalid());
    }
}
