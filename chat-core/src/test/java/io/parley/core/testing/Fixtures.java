package io.parley.core.testing;

import io.parley.core.model.Bot;
import io.parley.core.model.BotId;
import io.parley.core.model.BotLimits;
import io.parley.core.model.ResponderKind;
import io.parley.core.model.SyntheticSettings;
import io.parley.core.model.WidgetKey;
import io.parley.core.model.WorkspaceId;
import java.util.Set;

public final class Fixtures {
    public static final WorkspaceId WORKSPACE = new WorkspaceId("w_test");
    public static final BotId BOT_ID = new BotId("b_test");

    private Fixtures() {
    }

    public static Bot bot(BotLimits limits) {
        return new Bot(BOT_ID, WORKSPACE, "Test Bot", "Hi, how can I help?", ResponderKind.KNOWLEDGE_BASE,
                SyntheticSettings.DEFAULT, limits);
    }

    public static WidgetKey key(BotLimits limits) {
        return new WidgetKey("pk_test", bot(limits), Set.of("https://shop.example"), true, true);
    }

    public static WidgetKey key() {
        return key(BotLimits.DEFAULTS);
    }
}
