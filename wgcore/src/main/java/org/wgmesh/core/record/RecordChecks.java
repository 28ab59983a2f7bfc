package org.wgmesh.core.record;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.wgmesh.core.error.RecordException;

/** Constructor checks shared by the signed records (mesh and host): their common header. */
final class RecordChecks {
  private RecordChecks() {}

  /**
   * Checks serial, validity window and group-key epoch.
   *
   * @throws IllegalArgumentException naming the bad value (a programming error: decoders check
   *     these fields before constructing a record and raise {@code RecordException} instead)
   */
  static void header(long serial, Instant issued, Instant expires, long epoch) {
    if (serial < 0) {
      throw new IllegalArgumentException("serial must not be negative");
    }
    if (!expires.isAfter(issued)) {
      throw new IllegalArgumentException("expiry must be after issue");
    }
    if (epoch < 0 || epoch > GroupKey.MAX_EPOCH) {
      throw new IllegalArgumentException("epoch out of range: " + epoch);
    }
  }

  /**
   * The expiry rule every reader applies: a record is valid while {@code now < expires}.
   *
   * @throws RecordException naming {@code name} and field {@code expires} once it has expired
   */
  static void notExpired(String name, Instant expires, Instant now) {
    if (!now.isBefore(expires)) {
      throw new RecordException(
          name,
          "field 'expires': record expired at "
              + expires
              + " (now "
              + now.truncatedTo(ChronoUnit.SECONDS)
              + ")");
    }
  }
}
