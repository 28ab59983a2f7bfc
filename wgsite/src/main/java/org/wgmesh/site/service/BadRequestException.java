package org.wgmesh.site.service;

import org.wgmesh.core.error.InputException;

/**
 * A request the service answers with 400: the body is not the JSON the API takes. {@link #field()}
 * names the part that is wrong ({@code blob}, {@code token}, or {@code body} for the document as a
 * whole), so the client's error says where. The only exception {@link EnrolmentBody#parse} throws.
 */
public final class BadRequestException extends InputException {
  private static final long serialVersionUID = 1L;

  private final String field;

  public BadRequestException(String field, String why) {
    super(field, why);
    this.field = what();
  }

  public BadRequestException(String field, String why, Throwable cause) {
    super(field, why, null, cause);
    this.field = what();
  }

  /** The field that is wrong, or {@code body}; control characters escaped as {@code \\xNN}. */
  public String field() {
    return field;
  }
}
