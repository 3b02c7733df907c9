/**
 * The REST API under {@code /api/v1}: who may call what ({@link io.parley.gateway.api.WorkspaceAccess},
 * the matrix in {@link io.parley.core.model.Permission}), RFC 9457 problem details for every error
 * ({@link io.parley.gateway.api.ApiProblems}), cursor pagination ({@link io.parley.gateway.api.Pages}), the
 * masking of visitors' personal data ({@link io.parley.gateway.api.PersonalData}) and the audit of
 * administrative actions ({@link io.parley.gateway.api.AdminAudit}). Resources live in sub-packages by
 * feature.
 */
@NullMarked
package io.parley.gateway.api;

import org.jspecify.annotations.NullMarked;
