package dev.weir.controller.model;

import java.util.Objects;

/** What a route does with a request it matches. */
public sealed interface Action {

  /**
   * Proxies to a cluster.
   *
   * @param cluster the cluster's name, {@code "namespace/service:port"}
   */
  record Forward(String cluster) implements Action {
    public Forward {
      Objects.requireNonNull(cluster, "cluster");
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
}
