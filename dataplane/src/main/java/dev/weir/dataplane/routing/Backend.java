package dev.weir.dataplane.routing;

import dev.weir.dataplane.upstream.UpstreamCluster;
import java.util.Objects;

/**
 * One weighted backend of a forwarding route. Immutable.
 *
 * @param cluster the resolved cluster of the same snapshot
 * @param weight its share of the route's requests
 * @param requestHeaders applied after the route's own, only for requests sent here
 * @param responseHeaders applied after the route's own, only to responses from here
 */
public record Backend(
    UpstreamCluster cluster,
    long weight,
    HeaderModifier requestHeaders,
    HeaderModifier responseHeaders) {

  public Backend {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(requestHeaders, "requestHeaders");
    Objects.requireNonNull(responseHeaders, "responseHeaders");
  }

  /** A backend of weight 1 without header modifiers. */
  public static Backend of(UpstreamCluster cluster) {
    return new Backend(cluster, 1, HeaderModifier.NONE, HeaderModifier.NONE);
  }
}
