/**
 * Bot administration over REST: a workspace's bots and their settings ({@link io.parley.gateway.api.bots.BotController}),
 * the public widget keys that let visitors reach a bot ({@link io.parley.gateway.api.bots.WidgetKeyController}) and
 * the knowledge entries a knowledge-base bot answers from, with Markdown and FAQ import
 * ({@link io.parley.gateway.api.bots.KnowledgeController}).
 */
@NullMarked
package io.parley.gateway.api.bots;

import org.jspecify.annotations.NullMarked;
