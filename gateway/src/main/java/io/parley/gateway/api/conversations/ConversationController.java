package io.parley.gateway.api.conversations;

import io.parley.core.model.BotId;
import io.parley.core.model.ConversationId;
import io.parley.core.model.ConversationRecord;
import io.parley.core.model.Permission;
import io.parley.core.model.StoredEvent;
import io.parley.core.model.VisitorId;
import io.parley.core.port.ConversationQueries;
import io.parley.gateway.api.ApiProblem;
import io.parley.gateway.api.Pages;
import io.parley.gateway.api.QueryValues;
import io.parley.gateway.api.WorkspaceAccess;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A workspace's conversations, newest first, and each one's stored events in seq order. Another
 * workspace's conversation is answered 404 like an unknown one.
 */
@RestController
public class ConversationController {
    static final int MAX_EVENTS = 500;
    private static final String CONVERSATIONS = "/api/v1/workspaces/{workspaceId}/conversations";

    private final ConversationQueries conversations;
    private final WorkspaceAccess access;

    public ConversationController(ConversationQueries conversations, WorkspaceAccess access) {
        this.conversations = conversations;
        this.access = access;
    }

    @GetMapping(CONVERSATIONS)
    public Mono<ResponseEntity<Pages.Body<ConversationViews.Item>>> list(
            @PathVariable String workspaceId, @RequestParam(required = false) @Nullable String limit,
            @RequestParam(required = false) @Nullable String cursor,
            @RequestParam(required = false) @Nullable String botId,
            @RequestParam(required = false) @Nullable String visitorId,
            @RequestParam(required = false) @Nullable String state,
            @RequestParam(required = false) @Nullable String humanHandling,
            @RequestParam(required = false) @Nullable String from, @RequestParam(required = false) @Nullable String to) {
        return access.require(workspaceId, Permission.CONVERSATIONS_READ).flatMap(caller -> {
            Pages.Request page = Pages.request(limit, cursor);
            QueryValues query = new QueryValues();
            ConversationQueries.Filter filter = new ConversationQueries.Filter(
                    query.id("botId", botId, BotId::isValid, BotId::new, "b_…"),
                    query.id("visitorId", visitorId, VisitorId::isValid, VisitorId::new, "v_…"),
                    state(query, state), query.bool("humanHandling", humanHandling),
                    query.instant("from", from), query.instant("to", to));
            query.range(filter.from(), filter.to());
            query.check();
            boolean shown = caller.seesPersonalData();
            return conversations.page(caller.workspace(), filter, page.limit(), page.after())
                    .map(found -> ResponseEntity.ok().cacheControl(CacheControl.noStore())
                            .body(Pages.body(found.map(conversation -> ConversationViews.item(conversation, shown)))));
        });
    }

    /** The conversation and up to {@code limit} of its events after {@code afterSeq}. */
    @GetMapping(CONVERSATIONS + "/{conversationId}")
    public Mono<ResponseEntity<ConversationViews.Detail>> read(
            @PathVariable String workspaceId, @PathVariable String conversationId,
            @RequestParam(required = false) @Nullable String afterSeq,
            @RequestParam(required = false) @Nullable String limit) {
        return access.require(workspaceId, Permission.CONVERSATIONS_READ).flatMap(caller -> {
            QueryValues query = new QueryValues();
            long after = query.number("afterSeq", afterSeq, 0, Long.MAX_VALUE, 0);
            int max = (int) query.number("limit", limit, 1, MAX_EVENTS, MAX_EVENTS);
            query.check();
            if (!ConversationId.isValid(conversationId)) {
                return Mono.error(ApiProblem.notFound("conversation"));
            }
            boolean shown = caller.seesPersonalData();
            return conversations.find(caller.workspace(), new ConversationId(conversationId))
                    .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("conversation")))
                    .flatMap(conversation -> conversations.events(conversation.id(), after, max + 1).collectList()
                            .map(events -> detail(conversation, events, max, shown)))
                    .map(detail -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(detail));
        });
    }

    /** {@code fetched}: up to {@code max + 1} events; the extra one only tells that more follow. */
    private static ConversationViews.Detail detail(ConversationRecord conversation, List<StoredEvent> fetched, int max,
                                                   boolean shown) {
        if (fetched.size() <= max) {
            return ConversationViews.detail(conversation, fetched, null, shown);
        }
        List<StoredEvent> events = fetched.subList(0, max);
        return ConversationViews.detail(conversation, events, events.get(max - 1).seq(), shown);
    }

    private static ConversationRecord.@Nullable State state(QueryValues query, @Nullable String state) {
        if (state == null || state.isBlank()) {
            return null;
        }
        return switch (state.strip().toLowerCase(Locale.ROOT)) {
            case "open" -> ConversationRecord.State.OPEN;
            case "closed" -> ConversationRecord.State.CLOSED;
            default -> query.fail("state", "Give open or closed.");
        };
    }
}
