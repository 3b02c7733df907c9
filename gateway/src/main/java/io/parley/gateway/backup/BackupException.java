package io.parley.gateway.backup;

/** A backup step that failed; the message says what and, where it can, what to do. */
final class BackupException extends RuntimeException {
    BackupException(String message) {
        super(message);
    }

    BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
