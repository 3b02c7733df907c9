package io.parley.persistence.postgres;

import io.parley.core.model.ConversationId;
import io.parley.core.model.OperatorId;
import io.parley.core.port.Assignments;
import io.parley.core.port.MessageLog;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** The assigned agent in {@code conversations.assigned_operator_id}, set only where it is NULL. */
final class PostgresAssignments implements Assignments {

    private final DatabaseClient db;

    PostgresAssignments(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Mono<Outcome> assign(ConversationId conversation, OperatorId agent) {
        Mono<Outcome> taken = db.sql("""
                        UPDATE conversations SET human_handling = true, assigned_operator_id = :agent
                         WHERE id = :id AND assigned_operator_id IS NULL""")
                .bind("agent", agent.value())
                .bind("id", conversation.value())
                .fetch()
                .rowsUpdated()
                .filter(updated -> updated > 0)
                .map(updated -> Outcome.ASSIGNED);
        return taken.switchIfEmpty(Mono.defer(() -> db.sql("SELECT assigned_operator_id FROM conversations WHERE id = :id")
                .bind("id", conversation.value())
                .map(row -> java.util.Optional.ofNullable(Sql.nullableString(row, "assigned_operator_id")))
                .one()
                .switchIfEmpty(Mono.error(new MessageLog.UnknownConversationException(conversation)))
                .map(holder -> holder.filter(agent.value()::equals).isPresent()
                        ? Outcome.ALREADY_YOURS
                        // NULL here: released between the two statements; the caller may take it over again
                        : Outcome.HELD_BY_ANOTHER)));
    }

    @Override
    public Mono<Boolean> release(ConversationId conversation, OperatorId agent) {
        return db.sql("""
                        UPDATE conversations SET human_handling = false, assigned_operator_id = NULL
                         WHERE id = :id AND assigned_operator_id = :agent""")
                .bind("agent", agent.value())
                .bind("id", conversation.value())
                .fetch()
                .rowsUpdated()
                .map(updated -> updated > 0);
    }

    @Override
    public Mono<OperatorId> holder(ConversationId conversation) {
        return db.sql("SELECT assigned_operator_id FROM conversations WHERE id = :id AND assigned_operator_id IS NOT NULL")
                .bind("id", conversation.value())
                .map(row -> new OperatorId(Sql.string(row, "assigned_operator_id")))
                .one();
    }
}
