package io.parley.core.port;

import io.parley.core.model.WidgetKey;
import reactor.core.publisher.Mono;

public interface WidgetKeys {

    /** The key with its bot, empty when no such key exists (a disabled key is returned, disabled). */
    Mono<WidgetKey> find(String publicKey);
}
