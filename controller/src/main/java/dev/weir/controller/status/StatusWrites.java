package dev.weir.controller.status;

import java.util.Locale;

/**
 * Told about every status write a writer attempts against the API server: the controller's metrics
 * count them by kind and result. Called on the writers' threads; implementations must be quick and
 * thread-safe.
 */
@FunctionalInterface
public interface StatusWrites {

  /** Counts nothing. */
  StatusWrites NONE = (kind, result) -> {};

  /** How one write ended. */
  enum Result {
    OK,
    /** HTTP 409: the object changed since it was read. */
    CONFLICT,
    ERROR;

    /** The lower-case name, as a metric label. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * @param kind the Kubernetes kind whose status was written
   * @param result how the write ended
   */
  void written(String kind, Result result);
}
