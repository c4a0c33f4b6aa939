package dev.weir.dataplane.routing;

import dev.weir.dataplane.upstream.UpstreamCluster;
import java.util.Objects;

/** What a matched route does. Immutable. */
public sealed interface RouteAction {

  /**
   * Proxy to a cluster.
   *
   * @param cluster the resolved cluster of the same snapshot
   */
  record Forward(UpstreamCluster cluster) implements RouteAction {
    public Forward {
      Objects.requireNonNull(cluster, "cluster");
    }
  }

  /**
   * Answer without an upstream.
   *
   * @param status the HTTP status
   * @param body a short text body
   */
  record Direct(int status, String body) implements RouteAction {
    public Direct {
      Objects.requireNonNull(body, "body");
    }
  }
}
