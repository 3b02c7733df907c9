package io.parley.persistence.postgres;

import io.parley.core.port.ApiKeys;
import io.parley.core.port.Invites;
import io.parley.core.port.Members;
import io.parley.core.port.AuditLog;
import io.parley.core.port.AuditTrail;
import io.parley.core.port.Bots;
import io.parley.core.port.Clock;
import io.parley.core.port.ConversationQueries;
import io.parley.core.port.Conversations;
import io.parley.core.port.IdGenerator;
import io.parley.core.port.IdentityVerification;
import io.parley.core.port.KnowledgeBase;
import io.parley.core.port.KnowledgeIndex;
import io.parley.core.port.MagicLinks;
import io.parley.core.port.Assignments;
import io.parley.core.port.Inbox;
import io.parley.core.port.MessageLog;
import io.parley.core.port.OpenAiUpstreams;
import io.parley.core.port.Operators;
import io.parley.core.port.RefreshTokens;
import io.parley.core.port.VisitorRecords;
import io.parley.core.port.Visitors;
import io.parley.core.port.WidgetKeyRegistry;
import io.parley.core.port.WidgetKeys;
import io.parley.core.port.Workspaces;
import io.parley.persistence.encryption.FieldEncryption;
import io.r2dbc.spi.ConnectionFactory;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * chat-core's ports backed by PostgreSQL. Give it a pooled {@link ConnectionFactory} (see
 * {@link PostgresConnections#pool}) of a database migrated with {@link DatabaseMigrations#migrate}.
 */
public final class PostgresAdapters {

    private final MessageLog messageLog;
    private final Conversations conversations;
    private final Visitors visitors;
    private final PostgresWidgetKeys widgetKeys;
    private final PostgresAnsweringBots answeringBots;
    private final KnowledgeIndex knowledgeIndex;
    private final KnowledgeSnapshots knowledgeSnapshots;
    private final Operators operators;
    private final Workspaces workspaces;
    private final MagicLinks magicLinks;
    private final RefreshTokens refreshTokens;
    private final PostgresAuditTrail auditTrail;
    private final ApiKeys apiKeys;
    private final Members members;
    private final Invites invites;
    private final VisitorRecords visitorRecords;
    private final ConversationQueries conversationQueries;
    private final AuditLog auditLog;
    private final IdentityVerification identityVerification;
    private final PostgresBots bots;
    private final KnowledgeBase knowledgeBase;
    private final DatabaseClient db;
    private final Inbox inbox;
    private final Assignments assignments;

    /** {@code encryption} seals and opens the protected columns (see {@link Sealed}). */
    public PostgresAdapters(ConnectionFactory connectionFactory, Clock clock, IdGenerator ids,
                            FieldEncryption encryption) {
        this.db = DatabaseClient.create(connectionFactory);
        TransactionalOperator tx = TransactionalOperator.create(new R2dbcTransactionManager(connectionFactory));
        FieldCodec fields = new FieldCodec(encryption);
        this.messageLog = new PostgresMessageLog(db, tx, clock, fields);
        this.conversations = new PostgresConversations(db, clock, ids);
        this.visitors = new PostgresVisitors(db, clock, ids, fields);
        this.widgetKeys = new PostgresWidgetKeys(db, clock);
        this.answeringBots = new PostgresAnsweringBots(db, widgetKeys);
        this.knowledgeIndex = new PostgresKnowledgeIndex(db);
        this.knowledgeSnapshots = new PostgresKnowledgeSnapshots(db);
        this.operators = new PostgresOperators(db, tx, clock, fields);
        this.workspaces = new PostgresWorkspaces(db, tx, clock);
        this.magicLinks = new PostgresMagicLinks(db, clock, fields);
        this.refreshTokens = new PostgresRefreshTokens(db, tx, clock);
        this.auditTrail = new PostgresAuditTrail(db, tx);
        this.apiKeys = new PostgresApiKeys(db, clock);
        this.members = new PostgresMembers(db, tx, fields);
        this.invites = new PostgresInvites(db, tx, fields);
        this.visitorRecords = new PostgresVisitorRecords(db, tx, fields);
        this.conversationQueries = new PostgresConversationQueries(db, messageLog, fields);
        this.auditLog = new PostgresAuditLog(db);
        this.identityVerification = new PostgresIdentityVerification(db, clock, fields);
        this.bots = new PostgresBots(db, clock, fields);
        this.knowledgeBase = new PostgresKnowledgeBase(db, tx, clock);
        this.inbox = new PostgresInbox(db, fields);
        this.assignments = new PostgresAssignments(db);
    }

    public Inbox inbox() {
        return inbox;
    }

    public Assignments assignments() {
        return assignments;
    }

    public MessageLog messageLog() {
        return messageLog;
    }

    public Conversations conversations() {
        return conversations;
    }

    public Visitors visitors() {
        return visitors;
    }

    public WidgetKeys widgetKeys() {
        return widgetKeys;
    }

    public KnowledgeIndex knowledgeIndex() {
        return knowledgeIndex;
    }

    public KnowledgeSnapshots knowledgeSnapshots() {
        return knowledgeSnapshots;
    }

    public KnowledgeBase knowledgeBase() {
        return knowledgeBase;
    }

    public Bots bots() {
        return bots;
    }

    /** The bots' OpenAI upstreams with their API keys: for the upstream responder only. */
    public OpenAiUpstreams openAiUpstreams() {
        return bots;
    }

    public io.parley.core.port.AnsweringBots answeringBots() {
        return answeringBots;
    }

    public WidgetKeyRegistry widgetKeyRegistry() {
        return widgetKeys;
    }

    public Operators operators() {
        return operators;
    }

    public Workspaces workspaces() {
        return workspaces;
    }

    public MagicLinks magicLinks() {
        return magicLinks;
    }

    public RefreshTokens refreshTokens() {
        return refreshTokens;
    }

    public AuditTrail auditTrail() {
        return auditTrail;
    }

    public Members members() {
        return members;
    }

    public Invites invites() {
        return invites;
    }

    public ApiKeys apiKeys() {
        return apiKeys;
    }

    public VisitorRecords visitorRecords() {
        return visitorRecords;
    }

    public ConversationQueries conversationQueries() {
        return conversationQueries;
    }

    public AuditLog auditLog() {
        return auditLog;
    }

    public IdentityVerification identityVerification() {
        return identityVerification;
    }

    /** The id of the first audit event whose hash chain does not hold; empty when the whole trail holds. */
    public Mono<Long> firstBrokenAuditLink() {
        return auditTrail.firstBrokenLink();
    }

    /** Like {@link #firstBrokenAuditLink()}, without the keysets (the audit trail holds nothing sealed). */
    public static Mono<Long> firstBrokenAuditLinkIn(ConnectionFactory connectionFactory) {
        DatabaseClient db = DatabaseClient.create(connectionFactory);
        return new PostgresAuditTrail(db, TransactionalOperator.create(new R2dbcTransactionManager(connectionFactory)))
                .firstBrokenLink();
    }

    /** Completes when the database answers a trivial query; for health checks. */
    public Mono<Void> ping() {
        return db.sql("SELECT 1").then();
    }
}
