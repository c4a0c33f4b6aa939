package dev.weir.controller.translate;

import dev.weir.controller.model.Cluster;
import dev.weir.controller.model.GatewayApiStatus;
import dev.weir.controller.model.Route;
import dev.weir.controller.model.TlsBundle;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link GatewayApiTranslator} produced from the Gateway API objects of Weir's classes: the
 * listeners that can be programmed, the routes attached to them (one per match, with what decides
 * their precedence), the clusters they use, problems and the wanted status.
 *
 * @param listeners programmable listeners, by Gateway then spec order
 * @param routes every (listener port, domain, route) attachment
 * @param clusters every cluster a route forwards to, sorted by name
 * @param problems what was wrong with the input
 * @param status the Gateway API status
 */
public record GatewayApiTranslation(
    List<GatewayListener> listeners,
    List<AttachedRoute> routes,
    List<Cluster> clusters,
    List<Problem> problems,
    GatewayApiStatus status) {

  public GatewayApiTranslation {
    listeners = List.copyOf(listeners);
    routes = List.copyOf(routes);
    clusters = List.copyOf(clusters);
    problems = List.copyOf(problems);
    Objects.requireNonNull(status, "status");
  }

  /**
   * A Gateway listener that passed validation.
   *
   * @param gateway the Gateway, "namespace/name"
   * @param name the listener's name
   * @param port its port
   * @param tls true for HTTPS (TLS mode Terminate)
   * @param hostname its hostname in Gateway API syntax, or empty for any
   * @param certificates HTTPS only: the validated certificates, in spec order
   */
  public record GatewayListener(
      String gateway,
      String name,
      int port,
      boolean tls,
      Optional<String> hostname,
      List<TlsBundle> certificates) {
    public GatewayListener {
      Objects.requireNonNull(gateway, "gateway");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(hostname, "hostname");
      certificates = List.copyOf(certificates);
    }
  }

  /**
   * One route (one match of one rule) attached to a programmable listener for one hostname.
   *
   * @param gateway the Gateway, "namespace/name"
   * @param port the listener's port
   * @param domain the virtual host domain, in the snapshot's syntax
   * @param route the route
   * @param created the HTTPRoute's creationTimestamp, if known
   * @param rule the rule's index in the HTTPRoute
   * @param match the match's index in the rule
   */
  public record AttachedRoute(
      String gateway,
      int port,
      String domain,
      Route route,
      Optional<Instant> created,
      int rule,
      int match) {
    public AttachedRoute {
      Objects.requireNonNull(gateway, "gateway");
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(created, "created");
    }
  }
}
