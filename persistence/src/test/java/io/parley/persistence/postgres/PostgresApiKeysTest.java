package io.parley.persistence.postgres;

import io.parley.core.model.ApiKey;
import io.parley.core.model.ApiKeyId;
import io.parley.core.model.ApiKeyScope;
import io.parley.core.model.WorkspaceId;
import io.parley.core.port.ApiKeys;
import io.parley.persistence.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import static io.parley.persistence.postgres.Fixtures.TIMEOUT;
import static io.parley.persistence.postgres.PostgresMagicLinksTest.newHash;
import static org.assertj.core.api.Assertions.assertThat;

class PostgresApiKeysTest {

    private final PostgresAdapters adapters = Fixtures.adapters(TestDatabase.connectionFactory());
    private final ApiKeys keys = adapters.apiKeys();

    @Test
    void aCreatedKeyIsFoundByItsHashAndListedInItsWorkspaceOnly() {
        WorkspaceId workspace = newWorkspace();
        WorkspaceId other = newWorkspace();
        byte[] hash = newHash();
        Instant expiresAt = Instant.now().plus(Duration.ofDays(30));

        ApiKey created = Objects.requireNonNull(keys.create(workspace, "CRM sync",
                Set.of(ApiKeyScope.CONVERSATIONS_READ, ApiKeyScope.KNOWLEDGE_WRITE), expiresAt, hash, "abcdEFGH")
                .block(TIMEOUT));

        assertThat(created.id().value()).startsWith("ak_");
        assertThat(created.workspace()).isEqualTo(workspace);
        assertThat(created.scopes()).containsExactlyInAnyOrder(ApiKeyScope.CONVERSATIONS_READ, ApiKeyScope.KNOWLEDGE_WRITE);
        assertThat(created.expiresAt()).isEqualTo(Sql.storable(expiresAt));
        assertThat(created.revokedAt()).isNull();
        StepVerifier.create(keys.findByHash(hash)).expectNext(created).expectComplete().verify(TIMEOUT);
        StepVerifier.create(keys.findByHash(newHash())).expectComplete().verify(TIMEOUT);
        StepVerifier.create(keys.list(workspace)).expectNext(created).expectComplete().verify(TIMEOUT);
        StepVerifier.create(keys.list(other)).expectComplete().verify(TIMEOUT);
    }

    @Test
    void revokingNeedsTheKeysOwnWorkspaceAndKeepsTheFirstInstant() {
        WorkspaceId workspace = newWorkspace();
        byte[] hash = newHash();
        ApiKey key = Objects.requireNonNull(keys.create(workspace, "k", Set.of(ApiKeyScope.KNOWLEDGE_READ), null,
                hash, "12345678").block(TIMEOUT));
        Instant first = Sql.storable(Instant.now());

        StepVerifier.create(keys.revoke(newWorkspace(), key.id(), first)).expectNext(false).expectComplete().verify(TIMEOUT);
        StepVerifier.create(keys.revoke(workspace, new ApiKeyId("ak_unknown"), first)).expectNext(false)
                .expectComplete().verify(TIMEOUT);
        StepVerifier.create(keys.revoke(workspace, key.id(), first)).expectNext(true).expectComplete().verify(TIMEOUT);
        StepVerifier.create(keys.revoke(workspace, key.id(), first.plusSeconds(60))).expectNext(true)
                .expectComplete().verify(TIMEOUT);

        ApiKey revoked = Objects.requireNonNull(keys.findByHash(hash).block(TIMEOUT));
        assertThat(revoked.revokedAt()).isEqualTo(first);
        assertThat(revoked.validAt(first.minusMillis(1))).isTrue();
        assertThat(revoked.validAt(first)).isFalse();
    }

    @Test
    void rotationIssuesASuccessorAndShortensTheOldKeyOnlyOnce() {
        WorkspaceId workspace = newWorkspace();
        byte[] oldHash = newHash();
        Instant farExpiry = Sql.storable(Instant.now().plus(Duration.ofDays(90)));
        ApiKey old = Objects.requireNonNull(keys.create(workspace, "CRM", Set.of(ApiKeyScope.BOTS_READ), farExpiry,
                oldHash, "oldoldol").block(TIMEOUT));
        Instant overlapEnd = Sql.storable(Instant.now().plus(Duration.ofHours(1)));
        byte[] newHash = newHash();

        StepVerifier.create(keys.rotate(newWorkspace(), old.id(), overlapEnd, newHash(), "elsewher"))
                .expectComplete().verify(TIMEOUT);
        ApiKey successor = Objects.requireNonNull(keys.rotate(workspace, old.id(), overlapEnd, newHash, "newnewne")
                .block(TIMEOUT));

        assertThat(successor.id()).isNotEqualTo(old.id());
        assertThat(successor.name()).isEqualTo("CRM");
        assertThat(successor.scopes()).containsExactly(ApiKeyScope.BOTS_READ);
        assertThat(successor.expiresAt()).isEqualTo(farExpiry);
        ApiKey shortened = Objects.requireNonNull(keys.findByHash(oldHash).block(TIMEOUT));
        assertThat(shortened.expiresAt()).isEqualTo(overlapEnd);
        assertThat(shortened.rotatedTo()).isEqualTo(successor.id());
        StepVerifier.create(keys.rotate(workspace, old.id(), overlapEnd, newHash(), "twicetwi"))
                .as("a rotated key is not rotated again").expectComplete().verify(TIMEOUT);
    }

    @Test
    void twoKeysCannotShareAHash() {
        WorkspaceId workspace = newWorkspace();
        byte[] hash = newHash();
        keys.create(workspace, "a", Set.of(ApiKeyScope.KNOWLEDGE_READ), null, hash, "aaaaaaaa").block(TIMEOUT);
        StepVerifier.create(keys.create(workspace, "b", Set.of(ApiKeyScope.KNOWLEDGE_READ), null, hash, "bbbbbbbb"))
                .expectError().verify(TIMEOUT);
    }

    @Test
    void theTableHasNoColumnForThePlaintextKey() throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl(), TestDatabase.user(), TestDatabase.password());
             ResultSet rows = db.createStatement().executeQuery(
                     "SELECT column_name FROM information_schema.columns WHERE table_name = 'api_keys'")) {
            while (rows.next()) {
                columns.add(rows.getString(1));
            }
        }
        assertThat(columns).containsExactlyInAnyOrder("id", "workspace_id", "name", "prefix", "key_hash", "scopes",
                "created_at", "expires_at", "revoked_at", "rotated_to");
    }

    private WorkspaceId newWorkspace() {
        return Objects.requireNonNull(PostgresOperatorsTest.newOperator(adapters.operators())
                .flatMap(owner -> adapters.workspaces().createOwnedBy("keys", owner.id()))
                .block(TIMEOUT)).id();
    }
}
