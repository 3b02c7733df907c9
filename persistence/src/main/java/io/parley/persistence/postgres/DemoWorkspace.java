package io.parley.persistence.postgres;

import io.parley.core.model.BotLimits;
import io.parley.core.model.RateLimit;
import io.parley.core.model.ResponderKind;
import io.parley.core.model.SyntheticSettings;
import io.r2dbc.spi.ConnectionFactory;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Locale;

/**
 * The development profile's demo data: workspace {@value #WORKSPACE_ID} with the knowledge-base bot
 * {@value #DEMO_BOT_ID} (widget key {@value #DEMO_KEY}) and the load-test bot {@value #LOADTEST_BOT_ID}
 * (key {@value #LOADTEST_KEY}, rate limits lifted); both bots allow native clients, the demo bot also
 * the origin {@value #DEMO_ORIGIN}. Seeding makes the demo rows what this class says:
 * it inserts what is missing, updates only rows that differ and leaves equal rows untouched, so it can run on
 * every start of every node.
 */
public final class DemoWorkspace {

    public static final String WORKSPACE_ID = "w_demo";
    public static final String DEMO_BOT_ID = "b_parley_demo";
    public static final String DEMO_KEY = "pk_demo";
    public static final String DEMO_ORIGIN = "https://localhost:8443";
    public static final String LOADTEST_BOT_ID = "b_loadtest";
    public static final String LOADTEST_KEY = "pk_loadtest";
    public static final SyntheticSettings LOADTEST_SYNTHETIC = new SyntheticSettings(50, 20);

    static final String DEMO_GREETING =
            "Hi! I'm the Parley demo bot. Ask me anything about Parley: embedding the widget, connecting a "
                    + "mobile app, security, self-hosting or pricing. You can ask for a human at any time.";

    record Entry(String id, String title, String body) {
    }

    static final List<Entry> KNOWLEDGE = List.of(
            new Entry("k_demo_what_is_parley", "What is Parley?", """
                    Parley is a self-hostable chat gateway for customer conversations. Visitors talk to your \
                    bot from a widget on your website or from your mobile app, and a human agent can take over \
                    at any time. Replies stream word by word over a WebSocket, every message is stored \
                    durably in PostgreSQL, and several gateway nodes can run side by side behind a load \
                    balancer."""),
            new Entry("k_demo_embed_widget", "How to embed the chat widget on your website", """
                    To embed the chat widget, add one script tag to your pages, just before the closing body \
                    tag: <script src="https://YOUR-PARLEY-HOST/widget.js" data-key="pk_demo" async></script>. \
                    The data-key attribute is your public widget key (pk_demo in this demo). The key is safe to \
                    put in a web page, but it only works from the origins listed for its bot, so add your site's \
                    exact origin (scheme, host and port, for example https://www.example.com) to the bot's \
                    allowed origins first."""),
            new Entry("k_demo_mobile_apps", "Connecting a mobile app or a native client", """
                    Mobile apps and other native clients connect to the same endpoint as the widget: open a \
                    WebSocket to wss://YOUR-PARLEY-HOST/ws/visitor?key=YOUR_KEY and offer the parley.v1 \
                    subprotocol. The first frame must be a hello; the server answers with a welcome that \
                    carries a visitorToken, which the app should keep and send in later hellos to stay the same \
                    visitor. Apps send no Origin header, so the bot must allow native clients."""),
            new Entry("k_demo_streaming_replies", "How bot replies stream", """
                    A bot reply arrives in pieces as it is written: reply.start announces the reply and its \
                    messageId, each reply.delta carries the next piece of text to append, and reply.end \
                    closes it with its seq and how it finished (stop, cancelled, length, error or interrupted). \
                    At reply.end the whole reply is stored as a message. A visitor can send a cancel frame to \
                    stop a reply that is still streaming."""),
            new Entry("k_demo_resume", "Reconnecting and resuming a conversation with lastSeq", """
                    Every stored event of a conversation has a seq number: 1, 2, 3 and so on, without gaps. \
                    After a dropped connection, reconnect to any node and send hello with the conversationId \
                    and lastSeq, the highest seq you have seen. The server first replays every stored event \
                    after lastSeq, in order and exactly once, then the text so far of a reply still being \
                    streamed, then carries on live. Re-sending a message with the same clientMsgId never \
                    creates a duplicate."""),
            new Entry("k_demo_tls_security", "Transport security: TLS, strong ciphers and HSTS", """
                    Parley is served over HTTPS and secure WebSockets only. The gateway accepts TLS 1.3 and \
                    TLS 1.2 with strong ciphers only (ECDHE key exchange with AEAD suites such as AES-GCM and \
                    ChaCha20-Poly1305); older protocols and weak ciphers are refused. Plain HTTP requests are \
                    redirected to HTTPS, and HSTS (Strict-Transport-Security with a two-year max-age, including \
                    subdomains) tells browsers never to connect without encryption."""),
            new Entry("k_demo_login", "Signing in without passwords: Google, Microsoft or magic link", """
                    Parley stores no passwords. Team members sign in to the agent console with their Google \
                    or Microsoft account, or with a magic link: enter your e-mail address and click the \
                    single-use link we send, valid for 15 minutes. Sign-in attempts are rate limited and \
                    monitored, and roles (owner, manager, agent, viewer without personal data) decide what \
                    each person can see and do."""),
            new Entry("k_demo_data_protection", "Data encryption at rest and backups", """
                    Conversations are encrypted in transit with TLS and at rest: message bodies and visitors' \
                    personal data are encrypted in the database with keys kept apart from the data, and those \
                    keys can be rotated without downtime. Backups are encrypted too, kept for at least one day \
                    and deleted after seven days. The database runs with a synchronous standby in another zone \
                    so no acknowledged message is lost if a server fails."""),
            new Entry("k_demo_rate_limits", "Rate limits", """
                    To protect the service, each visitor may send 20 messages per 10 seconds, each widget key \
                    accepts 600 messages per minute from one IP address, and 30 new connections per minute per \
                    IP address. Limits hold across all gateway nodes. A message over the limit is answered with \
                    an error that says how many milliseconds to wait (retryAfterMs) and is not stored, so it can \
                    be sent again with the same clientMsgId. A bot's owner can raise or lift the limits."""),
            new Entry("k_demo_human_handoff", "Talking to a human agent (handoff)", """
                    You can ask for a human at any time: the widget sends a handoff request and the \
                    conversation appears in the agents' inbox. When an agent takes over, the bot stops \
                    answering and you see a handoff event with the agent's name; the agent can later release \
                    the conversation back to the bot. The whole history stays in one conversation."""),
            new Entry("k_demo_self_hosting", "Self-hosting Parley with PostgreSQL and Redis", """
                    Parley runs on your own servers or Kubernetes cluster. You need Java 17 for the gateway, \
                    PostgreSQL, which stores conversations and is the source of truth, and Redis, which holds \
                    rate limits, the fan-out between nodes and replies still being streamed. Gateway nodes \
                    are stateless, so you can run three or more across zones and clients reconnect to any of \
                    them. Kubernetes manifests and an operations guide for backups and failover are included."""),
            new Entry("k_demo_pricing", "Pricing, plans and payments with Paddle", """
                    Hosted plans are billed through Paddle, our merchant of record: Paddle takes the payment, \
                    handles VAT and sales tax, and sends the invoices. Card \
                    details never reach Parley's servers. You can upgrade, downgrade or cancel from the billing \
                    page at any time. What Parley costs depends on the plan: current prices and plan limits are listed \
                    on the pricing page."""));

    private DemoWorkspace() {
    }

    /** Creates or corrects the demo data in one transaction; running it again changes nothing. */
    public static Mono<Void> seed(ConnectionFactory connectionFactory) {
        DatabaseClient db = DatabaseClient.create(connectionFactory);
        TransactionalOperator tx = TransactionalOperator.create(new R2dbcTransactionManager(connectionFactory));
        Mono<Void> all = db.sql("""
                        INSERT INTO workspaces (id, name) VALUES (:id, 'Demo')
                        ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name
                        WHERE workspaces.name IS DISTINCT FROM EXCLUDED.name""")
                .bind("id", WORKSPACE_ID)
                .then()
                .then(insertBot(db, DEMO_BOT_ID, "Parley Demo", DEMO_GREETING, ResponderKind.KNOWLEDGE_BASE,
                        SyntheticSettings.DEFAULT, BotLimits.DEFAULTS, new String[]{DEMO_ORIGIN}))
                .then(insertBot(db, LOADTEST_BOT_ID, "Load Test",
                        "Load test bot: every answer is " + LOADTEST_SYNTHETIC.tokens() + " synthetic tokens.",
                        ResponderKind.SYNTHETIC, LOADTEST_SYNTHETIC, BotLimits.LIFTED, new String[0]))
                .then(insertKey(db, DEMO_KEY, DEMO_BOT_ID))
                .then(insertKey(db, LOADTEST_KEY, LOADTEST_BOT_ID))
                .then(Flux.fromIterable(KNOWLEDGE).concatMap(entry -> db.sql("""
                                INSERT INTO knowledge_entries (id, bot_id, title, body)
                                VALUES (:id, :botId, :title, :body)
                                ON CONFLICT (id) DO UPDATE
                                SET (bot_id, title, body) = (EXCLUDED.bot_id, EXCLUDED.title, EXCLUDED.body)
                                WHERE (knowledge_entries.bot_id, knowledge_entries.title, knowledge_entries.body)
                                      IS DISTINCT FROM (EXCLUDED.bot_id, EXCLUDED.title, EXCLUDED.body)""")
                        .bind("id", entry.id())
                        .bind("botId", DEMO_BOT_ID)
                        .bind("title", entry.title())
                        .bind("body", entry.body())
                        .then()).then())
                .then(db.sql("""
                                DELETE FROM knowledge_entries
                                 WHERE bot_id = :botId AND id LIKE 'k\\_demo\\_%' AND id <> ALL(:ids)""")
                        .bind("botId", DEMO_BOT_ID)
                        .bind("ids", KNOWLEDGE.stream().map(Entry::id).toArray(String[]::new))
                        .then());
        return tx.transactional(all);
    }

    private static Mono<Void> insertBot(DatabaseClient db, String id, String name, String greeting,
                                        ResponderKind responder, SyntheticSettings synthetic, BotLimits limits,
                                    String[] origins) {
        return db.sql("""
                        INSERT INTO bots (id, workspace_id, name, greeting, responder,
                                          synthetic_tokens, synthetic_tokens_per_second,
                                          messages_per_visitor_permits, messages_per_visitor_window_ms,
                                          messages_per_key_ip_permits, messages_per_key_ip_window_ms,
                                          connections_per_key_ip_permits, connections_per_key_ip_window_ms,
                                          allowed_origins, allow_native_clients)
                        VALUES (:id, :workspaceId, :name, :greeting, :responder, :tokens, :tokensPerSecond,
                                :mvPermits, :mvWindow, :mkPermits, :mkWindow, :ckPermits, :ckWindow, :origins, true)
                        ON CONFLICT (id) DO UPDATE
                        SET (workspace_id, name, greeting, responder, synthetic_tokens, synthetic_tokens_per_second,
                             messages_per_visitor_permits, messages_per_visitor_window_ms,
                             messages_per_key_ip_permits, messages_per_key_ip_window_ms,
                             connections_per_key_ip_permits, connections_per_key_ip_window_ms,
                             allowed_origins, allow_native_clients)
                          = (EXCLUDED.workspace_id, EXCLUDED.name, EXCLUDED.greeting, EXCLUDED.responder,
                             EXCLUDED.synthetic_tokens, EXCLUDED.synthetic_tokens_per_second,
                             EXCLUDED.messages_per_visitor_permits, EXCLUDED.messages_per_visitor_window_ms,
                             EXCLUDED.messages_per_key_ip_permits, EXCLUDED.messages_per_key_ip_window_ms,
                             EXCLUDED.connections_per_key_ip_permits, EXCLUDED.connections_per_key_ip_window_ms,
                             EXCLUDED.allowed_origins, EXCLUDED.allow_native_clients)
                        WHERE (bots.workspace_id, bots.name, bots.greeting, bots.responder, bots.synthetic_tokens,
                               bots.synthetic_tokens_per_second, bots.messages_per_visitor_permits,
                               bots.messages_per_visitor_window_ms, bots.messages_per_key_ip_permits,
                               bots.messages_per_key_ip_window_ms, bots.connections_per_key_ip_permits,
                               bots.connections_per_key_ip_window_ms, bots.allowed_origins, bots.allow_native_clients)
                              IS DISTINCT FROM
                              (EXCLUDED.workspace_id, EXCLUDED.name, EXCLUDED.greeting, EXCLUDED.responder,
                               EXCLUDED.synthetic_tokens, EXCLUDED.synthetic_tokens_per_second,
                               EXCLUDED.messages_per_visitor_permits, EXCLUDED.messages_per_visitor_window_ms,
                               EXCLUDED.messages_per_key_ip_permits, EXCLUDED.messages_per_key_ip_window_ms,
                               EXCLUDED.connections_per_key_ip_permits, EXCLUDED.connections_per_key_ip_window_ms,
                               EXCLUDED.allowed_origins, EXCLUDED.allow_native_clients)""")
                .bind("id", id)
                .bind("workspaceId", WORKSPACE_ID)
                .bind("name", name)
                .bind("greeting", greeting)
                .bind("responder", responder.name().toLowerCase(Locale.ROOT))
                .bind("tokens", synthetic.tokens())
                .bind("tokensPerSecond", synthetic.tokensPerSecond())
                .bind("mvPermits", limits.messagesPerVisitor().permits())
                .bind("mvWindow", windowMillis(limits.messagesPerVisitor()))
                .bind("mkPermits", limits.messagesPerKeyAndIp().permits())
                .bind("mkWindow", windowMillis(limits.messagesPerKeyAndIp()))
                .bind("ckPermits", limits.connectionsPerKeyAndIp().permits())
                .bind("ckWindow", windowMillis(limits.connectionsPerKeyAndIp()))
                .bind("origins", origins)
                .then();
    }

    private static long windowMillis(RateLimit limit) {
        return limit.window().toMillis();
    }

    private static Mono<Void> insertKey(DatabaseClient db, String key, String botId) {
        return db.sql("""
                        INSERT INTO widget_keys (key, bot_id, enabled)
                        VALUES (:key, :botId, true)
                        ON CONFLICT (key) DO UPDATE
                        SET (bot_id, enabled) = (EXCLUDED.bot_id, true)
                        WHERE (widget_keys.bot_id, widget_keys.enabled) IS DISTINCT FROM (EXCLUDED.bot_id, true)""")
                .bind("key", key)
                .bind("botId", botId)
                .then();
    }
}
