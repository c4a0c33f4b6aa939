package dev.weir.controller.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What a route does with a request it matches. */
public sealed interface Action {

  /**
   * Proxies to one of several clusters, chosen by weight.
   *
   * @param backends never empty; every weight is positive
   */
  record Forward(List<WeightedBackend> backends) implements Action {
    public Forward {
      backends = List.copyOf(backends);
      if (backends.isEmpty()) {
        throw new IllegalArgumentException("a forward action needs a backend");
      }
    }

    /** Proxies to one cluster, unmodified. */
    public Forward(String cluster) {
      this(List.of(new WeightedBackend(cluster, 1, HeaderModifier.NONE, HeaderModifier.NONE, 0)));
    }
  }

  /**
   * Answers without an upstream, for example 503 when the backend cannot be resolved.
   *
   * @param status the HTTP status code
   * @param body a short plain-text body
   */
  record DirectResponse(int status, String body) implements Action {
    public DirectResponse {
      Objects.requireNonNull(body, "body");
    }
  }

  /**
   * Answers with a redirect (Gateway API RequestRedirect filter).
   *
   * @param scheme "http", "https", or "" for the request's
   * @param hostname the new host, or "" for the request's
   * @param path the path change, if any
   * @param port the new port, or 0 for the default derivation (see the snapshot protocol)
   * @param status 301, 302, 303, 307 or 308
   */
  record Redirect(String scheme, String hostname, Optional<PathRewrite> path, int port, int status)
      implements Action {
    public Redirect {
      Objects.requireNonNull(scheme, "scheme");
      Objects.requireNonNull(hostname, "hostname");
      Objects.requireNonNull(path, "path");
    }
  }
}
