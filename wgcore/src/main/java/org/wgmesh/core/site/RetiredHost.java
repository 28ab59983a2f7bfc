package org.wgmesh.core.site;

import java.util.Objects;
import java.util.UUID;

/**
 * A removed host whose removal is not published yet. Its number stays reserved until the publisher
 * has removed its records (peers still have an interface {@code wg<number>} for it until they
 * deploy the published change), then {@link Site#withoutRetired} frees it.
 *
 * @param number the host number it had
 * @param uuid the uuid it had
 */
public record RetiredHost(int number, UUID uuid) {
  public RetiredHost {
    Objects.requireNonNull(uuid, "uuid");
  }
}
