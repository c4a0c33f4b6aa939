package dev.weir.dataplane.routing;

import dev.weir.dataplane.upstream.UpstreamCluster;
import java.util.Objects;

/**
 * One weighted backend of a forwarding route. Immutable.
 *
 * @param cluster the resolved cluster of the same snapshot, or null for an error backend
 * @param weight its share of the route's requests
 * @param requestHeaders applied after the route's own, only for requests sent here
 * @param responseHeaders applied after the route's own, only to responses from here
 * @param errorStatus when not 0, this backend's share is answered with this status (4xx or 5xx)
 *     instead of being forwarded, and {@code cluster} is null (Gateway API: an invalid backendRef's
 *     share of requests gets 500)
 */
public record Backend(
    UpstreamCluster cluster,
    long weight,
    HeaderModifier requestHeaders,
    HeaderModifier responseHeaders,
    int errorStatus) {

  public Backend {
    if ((cluster == null) == (errorStatus == 0)) {
      throw new IllegalArgumentException("a backend has either a cluster or an error status");
    }
    if (errorStatus != 0 && (errorStatus < 400 || errorStatus > 599)) {
      throw new IllegalArgumentException("error status must be 4xx or 5xx: " + errorStatus);
    }
    Objects.requireNonNull(requestHeaders, "requestHeaders");
    Objects.requireNonNull(responseHeaders, "responseHeaders");
  }

  /** A backend of weight 1 without header modifiers. */
  public static Backend of(UpstreamCluster cluster) {
    return new Backend(cluster, 1, HeaderModifier.NONE, HeaderModifier.NONE, 0);
  }

  /** A backend whose share of {@code weight} is answered with {@code status}. */
  public static Backend error(int status, long weight) {
    return new Backend(null, weight, HeaderModifier.NONE, HeaderModifier.NONE, status);
  }
}
