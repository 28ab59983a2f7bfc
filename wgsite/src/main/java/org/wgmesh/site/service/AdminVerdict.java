package org.wgmesh.site.service;

import java.util.Objects;

/** What {@link AdminCheck} found: an admin, or how the request is refused. */
public sealed interface AdminVerdict {
  /** An admin: the page is served. {@code who} names them in the log. */
  record Admin(String who) implements AdminVerdict {
    public Admin {
      Objects.requireNonNull(who, "who");
    }
  }

  /** No credential at all: 401 with a {@code WWW-Authenticate} challenge. */
  record NoCredential() implements AdminVerdict {}

  /** A credential that is wrong (password, user, malformed header): 401, counted as a failure. */
  record WrongCredential(String why) implements AdminVerdict {
    public WrongCredential {
      Objects.requireNonNull(why, "why");
    }
  }

  /** A valid client certificate that is no admin's (a device): 403. */
  record NotAdmin(String why) implements AdminVerdict {
    public NotAdmin {
      Objects.requireNonNull(why, "why");
    }
  }
}
