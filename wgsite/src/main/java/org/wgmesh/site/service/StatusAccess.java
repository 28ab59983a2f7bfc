package org.wgmesh.site.service;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The status page's two inputs: who is an admin, and the {@code GET /v1/status} document (JSON
 * text, made anew for each request so that the page shows the status file as it is now).
 *
 * @param admins decides who may read the page
 * @param document the status as JSON; may throw a {@code WgmeshException} (answered 500)
 */
public record StatusAccess(AdminCheck admins, Supplier<String> document) {
  /** A service without a status page: its paths answer 404. */
  public static final StatusAccess NONE = new StatusAccess(AdminCheck.NOBODY, () -> "{}");

  public StatusAccess {
    Objects.requireNonNull(admins, "admins");
    Objects.requireNonNull(document, "document");
  }
}
