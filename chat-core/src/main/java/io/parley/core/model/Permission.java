package io.parley.core.model;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The permission matrix: what each role may do in its workspace, and which API-key scope (if any)
 * lets a server API key do it. Every REST call and every agent WebSocket frame names one of these;
 * {@code docs/security.md} shows the same table. An action without a scope is for signed-in
 * operators only.
 */
public enum Permission {
    WORKSPACE_READ(EnumSet.allOf(Role.class), null),
    WORKSPACE_UPDATE(EnumSet.of(Role.OWNER), null),
    MEMBERS_READ(EnumSet.allOf(Role.class), null),
    /** Invite, change roles, remove; a manager only for agents and viewers (see {@link #mayAssign}). */
    MEMBERS_MANAGE(EnumSet.of(Role.OWNER, Role.MANAGER), null),
    BOTS_READ(EnumSet.allOf(Role.class), ApiKeyScope.BOTS_READ),
    BOTS_WRITE(EnumSet.of(Role.OWNER, Role.MANAGER), ApiKeyScope.BOTS_WRITE),
    KNOWLEDGE_READ(EnumSet.allOf(Role.class), ApiKeyScope.KNOWLEDGE_READ),
    KNOWLEDGE_WRITE(EnumSet.of(Role.OWNER, Role.MANAGER), ApiKeyScope.KNOWLEDGE_WRITE),
    WIDGET_KEYS_READ(EnumSet.allOf(Role.class), ApiKeyScope.BOTS_READ),
    WIDGET_KEYS_WRITE(EnumSet.of(Role.OWNER, Role.MANAGER), ApiKeyScope.BOTS_WRITE),
    API_KEYS_MANAGE(EnumSet.of(Role.OWNER, Role.MANAGER), null),
    CONVERSATIONS_READ(EnumSet.allOf(Role.class), ApiKeyScope.CONVERSATIONS_READ),
    /** Post as an agent, take over, release. */
    CONVERSATIONS_WRITE(EnumSet.of(Role.OWNER, Role.MANAGER, Role.AGENT), ApiKeyScope.CONVERSATIONS_WRITE),
    VISITORS_READ(EnumSet.allOf(Role.class), ApiKeyScope.VISITORS_READ),
    VISITORS_EXPORT(EnumSet.of(Role.OWNER, Role.MANAGER), ApiKeyScope.VISITORS_EXPORT),
    VISITORS_DELETE(EnumSet.of(Role.OWNER, Role.MANAGER), ApiKeyScope.VISITORS_DELETE),
    /** Seeing a visitor's e-mail, name, phone and IP unmasked. */
    PERSONAL_DATA_READ(EnumSet.of(Role.OWNER, Role.MANAGER, Role.AGENT), ApiKeyScope.PERSONAL_DATA_READ),
    AUDIT_READ(EnumSet.of(Role.OWNER), null);

    private final Set<Role> roles;
    private final @Nullable ApiKeyScope scope;

    Permission(Set<Role> roles, @Nullable ApiKeyScope scope) {
        this.roles = Set.copyOf(roles);
        this.scope = scope;
    }

    public boolean allows(Role role) {
        return roles.contains(role);
    }

    /** The scope that lets an API key do this; empty when no API key may. */
    public Optional<ApiKeyScope> scope() {
        return Optional.ofNullable(scope);
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /**
     * Whether {@code actor} may give (or take away) {@code target}: owners any role, managers only agent
     * and viewer; nobody else any.
     */
    public static boolean mayAssign(Role actor, Role target) {
        return switch (actor) {
            case OWNER -> true;
            case MANAGER -> target == Role.AGENT || target == Role.VIEWER;
            case AGENT, VIEWER -> false;
        };
    }
}
