package dev.weir.dataplane.config;

import dev.weir.api.config.v1.Cors;
import dev.weir.api.config.v1.Retry;
import dev.weir.api.config.v1.Route;
import dev.weir.dataplane.routing.CorsPolicy;
import dev.weir.dataplane.routing.Mirror;
import dev.weir.dataplane.routing.RetryPolicy;
import dev.weir.dataplane.upstream.UpstreamCluster;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Compiles a route's optional traffic features: mirrors, CORS and retry. Each invalid value is
 * reported through {@code fail} (which names the route) and compiles to nothing. Used by {@link
 * RouteCompiler} on the applying thread; stateless apart from its inputs.
 */
final class RouteFeatureCompiler {

  private final Map<String, UpstreamCluster> clusters;

  RouteFeatureCompiler(Map<String, UpstreamCluster> clusters) {
    this.clusters = clusters;
  }

  List<Mirror> mirrors(Route route, Consumer<String> fail) {
    if (route.getMirrorsCount() == 0) {
      return List.of();
    }
    List<Mirror> out = new ArrayList<>();
    for (dev.weir.api.config.v1.Mirror m : route.getMirrorsList()) {
      UpstreamCluster cluster = clusters.get(m.getCluster());
      if (cluster == null) {
        fail.accept("unknown mirror cluster " + m.getCluster());
        continue;
      }
      long numerator = Integer.toUnsignedLong(m.getNumerator());
      // The proto: denominator 0 means 100.
      long denominator = m.getDenominator() == 0 ? 100 : Integer.toUnsignedLong(m.getDenominator());
      if (numerator > denominator) {
        fail.accept(
            "mirror share " + numerator + "/" + denominator + " of " + m.getCluster() + " is > 1");
        continue;
      }
      out.add(new Mirror(cluster, numerator, denominator));
    }
    return out;
  }

  CorsPolicy cors(Route route, Consumer<String> fail) {
    if (!route.hasCors()) {
      return null;
    }
    Cors c = route.getCors();
    try {
      return new CorsPolicy(
          c.getAllowOriginsList(),
          c.getAllowMethodsList(),
          c.getAllowHeadersList(),
          c.getExposeHeadersList(),
          c.getAllowCredentials(),
          Integer.toUnsignedLong(c.getMaxAgeSeconds()));
    } catch (IllegalArgumentException e) {
      fail.accept("invalid CORS: " + e.getMessage());
      return null;
    }
  }

  RetryPolicy retry(Route route, Consumer<String> fail) {
    if (!route.hasRetry()) {
      return RetryPolicy.NONE;
    }
    Retry r = route.getRetry();
    BitSet codes = new BitSet();
    for (int code : r.getCodesList()) {
      // The proto allows 5xx only: a 4xx is the client's fault and would fail again.
      if (code < 500 || code > 599) {
        fail.accept("retry code " + Integer.toUnsignedString(code) + " is not 5xx");
      } else {
        codes.set(code);
      }
    }
    int attempts = (int) Math.min(Integer.toUnsignedLong(r.getAttempts()), 100);
    return new RetryPolicy(Math.max(1, attempts), codes, Integer.toUnsignedLong(r.getBackoffMs()));
  }
}
