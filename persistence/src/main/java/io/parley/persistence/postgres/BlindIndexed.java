package io.parley.persistence.postgres;

import java.util.Locale;

/**
 * The columns looked up by a blind index (the PRF of the value, never the value): each kind normalises
 * the value its own way and hashes it with its name and a scope (the workspace, or the issuer), so equal
 * values in two workspaces or two columns give unrelated indexes.
 */
enum BlindIndexed {
    /** A visitor's e-mail within a workspace: trimmed and lower-cased, as the search by e-mail compares. */
    VISITOR_EMAIL("visitors.email_index") {
        @Override
        String normalise(String value) {
            return value.strip().toLowerCase(Locale.ROOT);
        }
    },
    /** A verified visitor's subject (the site's user id) within a workspace: exact. */
    VISITOR_EXTERNAL_ID("visitors.external_id_index"),
    /** An operator identity's subject within its issuer: exact (magic links' are normalised e-mails already). */
    OPERATOR_SUBJECT("operator_identities.subject_index");

    final String column;

    BlindIndexed(String column) {
        this.column = column;
    }

    String normalise(String value) {
        return value;
    }
}
