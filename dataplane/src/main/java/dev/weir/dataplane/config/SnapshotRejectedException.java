package dev.weir.dataplane.config;

import dev.weir.api.config.v1.ResourceError;
import java.util.List;

/**
 * Thrown when a snapshot cannot be applied; becomes a NACK whose error detail names {@link
 * #resources()}. The message must never contain key material.
 */
public final class SnapshotRejectedException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient List<ResourceError> resources;

  /**
   * @param message one line: what failed and why
   * @param resources the snapshot resources that failed
   */
  public SnapshotRejectedException(String message, List<ResourceError> resources) {
    super(message);
    this.resources = List.copyOf(resources);
  }

  /** The snapshot resources that failed, each named as in the snapshot. */
  public List<ResourceError> resources() {
    return resources;
  }
}
