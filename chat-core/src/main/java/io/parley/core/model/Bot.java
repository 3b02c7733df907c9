package io.parley.core.model;

public record Bot(BotId id, WorkspaceId workspaceId, String name, String greeting, ResponderKind responder,
                  SyntheticSettings synthetic, BotLimits limits) {

    public Author author() {
        return new Author(AuthorRole.BOT, id.value(), name);
    }
}
