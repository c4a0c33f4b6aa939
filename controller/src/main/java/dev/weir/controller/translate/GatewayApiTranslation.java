package dev.weir.controller.translate;

import dev.weir.controller.model.ClientValidation;
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
 * @param clientCertificates the client certificates TLS clusters present to backends, by name
 * @param problems what was wrong with the input
 * @param status the Gateway API status
 */
public record GatewayApiTranslation(
    List<GatewayListener> listeners,
    List<AttachedRoute> routes,
    List<Cluster> clusters,
    List<TlsBundle> clientCertificates,
    List<Problem> problems,
    GatewayApiStatus status) {

  public GatewayApiTranslation {
    listeners = List.copyOf(listeners);
    routes = List.copyOf(routes);
    clusters = List.copyOf(clusters);
    clientCertificates = List.copyOf(clientCertificates);
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
   * @param clientValidation HTTPS only: client-certificate validation, or null
   */
  public record GatewayListener(
      String gateway,
      String name,
      int port,
      boolean tls,
      Optional<String> hostname,
      List<TlsBundle> certificates,
      ClientValidation clientValidation) {
    public GatewayListener {
      Objects.requireNonNull(gateway, "gateway");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(hostname, "hostname");
      certificates = List.copyOf(certificates);
    }

    /** A listener without client-certificate validation. */
    public GatewayListener(
        String gateway,
        String name,
        int port,
        boolean tls,
        Optional<String> hostname,
        List<TlsBundle> certificates) {
      this(gateway, name, port, tls, hostname, certificates, null);
    }
  }

  /**
   * One route (one match of one rule) attached to a programmable listener for one hostname.
   *
   * @param gateway the Gateway, "namespace/name"
   * @param port the listener's port
   * @param domain the virtual host domain, in the snapshot's syntax
   * @param route the route
   * @param created the route's creationTimestamp, if known
   * @param rule the rule's index in the route
   * @param match the match's index in the rule
   * @param grpc for a GRPCRoute route, the characters of its method match (its precedence); empty
   *     for an HTTPRoute route
   */
  public record AttachedRoute(
      String gateway,
      int port,
      String domain,
      Route route,
      Optional<Instant> created,
      int rule,
      int match,
      Optional<GrpcMethodRank> grpc) {
    public AttachedRoute {
      Objects.requireNonNull(gateway, "gateway");
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(created, "created");
      Objects.requireNonNull(grpc, "grpc");
    }
  }

  /**
   * What ranks a GRPCRoute match (Gateway API GRPCRouteRule precedence, after the hostname): the
   * characters of its method match's service, then of its method. The characters a regular
   * expression matches are only known per request, so Exact matches rank before RegularExpression
   * ones, which are ranked by the length of their patterns; no method match ranks last.
   *
   * @param exact true for an Exact method match
   * @param service the length of {@code method.service} (0 when absent)
   * @param method the length of {@code method.method} (0 when absent)
   */
  public record GrpcMethodRank(boolean exact, int service, int method) {}
}
