package dev.weir.controller.model;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-route timeouts (Gateway API HTTPRouteRule timeouts).
 *
 * @param request the whole request, {@link Duration#ZERO} for none
 * @param backendRequest one attempt to the backend, {@link Duration#ZERO} for the cluster's
 */
public record Timeouts(Duration request, Duration backendRequest) {

  /** No route-level timeouts. */
  public static final Timeouts NONE = new Timeouts(Duration.ZERO, Duration.ZERO);

  public Timeouts {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(backendRequest, "backendRequest");
  }
}
