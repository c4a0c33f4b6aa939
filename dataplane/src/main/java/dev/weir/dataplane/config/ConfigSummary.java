package dev.weir.dataplane.config;

import java.util.List;

/**
 * What {@code /config} shows of the configuration now serving. Holds no key material: secrets
 * appear by name only.
 *
 * @param version the snapshot's content hash
 * @param generation the controller's generation counter for it
 * @param listeners one line per listener, for example {@code "https :8443 HTTPS certs=2"}
 * @param routes one line per route: domains, path match, conditions, action, modifiers, rewrite and
 *     timeouts, for example {@code "shop.example.com PREFIX /cart method=GET header x-canary=yes ->
 *     default/cart:80 weight=3, default/cart-v2:80 weight=1 rewrite path prefix /v2"} or {@code
 *     "*.example.com PREFIX / -> redirect 301 scheme=https"}
 * @param clusters one line per cluster, for example {@code "default/cart:80 endpoints=2"}
 * @param secrets the names of the TLS secrets in use
 */
public record ConfigSummary(
    String version,
    long generation,
    List<String> listeners,
    List<String> routes,
    List<String> clusters,
    List<String> secrets) {

  public ConfigSummary {
    listeners = List.copyOf(listeners);
    routes = List.copyOf(routes);
    clusters = List.copyOf(clusters);
    secrets = List.copyOf(secrets);
  }
}
