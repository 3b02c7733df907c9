/**
 * Encrypted backups of PostgreSQL: {@code pg_dump} streamed through Tink streaming AEAD into a directory,
 * listed, restored, and pruned by the retention policy; the command ({@link io.parley.gateway.backup.BackupCommand})
 * and the in-app schedule that runs on one node per slot.
 */
@NullMarked
package io.parley.gateway.backup;

import org.jspecify.annotations.NullMarked;
