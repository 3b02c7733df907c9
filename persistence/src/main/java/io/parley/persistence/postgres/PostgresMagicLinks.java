package io.parley.persistence.postgres;

import io.parley.core.port.Clock;
import io.parley.core.port.MagicLinks;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

import java.time.Instant;

/**
 * Magic links in table {@code magic_links}, keyed by the token's hash. A redemption is one conditional
 * {@code UPDATE}: PostgreSQL's row lock makes racing redemptions on any nodes wait for each other, and each
 * one after the first finds {@code used_at} set and updates nothing. The e-mail is sealed for its row.
 */
final class PostgresMagicLinks implements MagicLinks {

    private final DatabaseClient db;
    private final Clock clock;
    private final FieldCodec fields;

    PostgresMagicLinks(DatabaseClient db, Clock clock, FieldCodec fields) {
        this.db = db;
        this.clock = clock;
        this.fields = fields;
    }

    @Override
    public Mono<Void> store(byte[] tokenHash, String email, Instant expiresAt) {
        return Mono.defer(() -> {
            String normalised = PostgresOperators.normaliseEmail(email);
            if (normalised == null) {
                return Mono.error(new IllegalArgumentException("a magic link needs an e-mail address"));
            }
            return db.sql("""
                            INSERT INTO magic_links (token_hash, email, created_at, expires_at)
                            VALUES (:tokenHash, :email, :createdAt, :expiresAt)""")
                    .bind("tokenHash", tokenHash)
                    .bind("email", fields.seal(Sealed.MAGIC_LINK_EMAIL, normalised, tokenHash))
                    .bind("createdAt", Sql.storable(clock.now()))
                    .bind("expiresAt", Sql.storable(expiresAt))
                    .then();
        });
    }

    @Override
    public Mono<String> peek(byte[] tokenHash, Instant now) {
        return db.sql("""
                        SELECT email FROM magic_links
                         WHERE token_hash = :tokenHash AND used_at IS NULL AND expires_at > :now""")
                .bind("tokenHash", tokenHash)
                .bind("now", now)
                .map(row -> fields.open(Sealed.MAGIC_LINK_EMAIL, Sql.bytes(row, "email"), tokenHash))
                .one();
    }

    @Override
    public Mono<String> redeem(byte[] tokenHash, Instant now) {
        return db.sql("""
                        UPDATE magic_links SET used_at = :now
                         WHERE token_hash = :tokenHash AND used_at IS NULL AND expires_at > :now
                        RETURNING email""")
                .bind("tokenHash", tokenHash)
                .bind("now", now)
                .map(row -> fields.open(Sealed.MAGIC_LINK_EMAIL, Sql.bytes(row, "email"), tokenHash))
                .one();
    }
}
