package dev.weir.controller.translate;

import dev.weir.controller.model.Action;
import dev.weir.controller.model.Cluster;
import dev.weir.controller.model.PathMatch;
import dev.weir.controller.model.TlsBundle;
import java.util.List;
import java.util.Objects;

/**
 * What {@link IngressTranslator} produced from the owned Ingresses, before conflicts are settled:
 * every candidate carries its Ingress's age rank (0 = oldest), which decides conflicts.
 *
 * @param routes one per valid rule path, in Ingress age order then rule order
 * @param defaultBackends one per Ingress with {@code spec.defaultBackend}, oldest first
 * @param tls one per TLS section whose Secret validated, oldest first
 * @param clusters every cluster a candidate forwards to, sorted by name
 * @param problems what was wrong with the input
 */
public record IngressTranslation(
    List<RouteCandidate> routes,
    List<DefaultBackendCandidate> defaultBackends,
    List<TlsCandidate> tls,
    List<Cluster> clusters,
    List<Problem> problems) {

  public IngressTranslation {
    routes = List.copyOf(routes);
    defaultBackends = List.copyOf(defaultBackends);
    tls = List.copyOf(tls);
    clusters = List.copyOf(clusters);
    problems = List.copyOf(problems);
  }

  /**
   * One path of one rule.
   *
   * @param host the rule's host, or "*" for a rule without one
   * @param match the path match
   * @param action forward or direct response
   * @param source the Ingress
   * @param rank the Ingress's age rank
   * @param name a stable route name
   * @param maxRequestBodyBytes the Ingress's body limit, 0 for the data plane's default
   */
  public record RouteCandidate(
      String host,
      PathMatch match,
      Action action,
      ObjectRef source,
      int rank,
      String name,
      long maxRequestBodyBytes) {
    public RouteCandidate {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(match, "match");
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * An Ingress's {@code spec.defaultBackend}.
   *
   * @param action forward or direct response
   * @param hosts the Ingress's own rule hosts (the vhosts it also covers), sorted
   * @param source the Ingress
   * @param rank the Ingress's age rank
   * @param maxRequestBodyBytes the Ingress's body limit, 0 for the data plane's default
   */
  public record DefaultBackendCandidate(
      Action action, List<String> hosts, ObjectRef source, int rank, long maxRequestBodyBytes) {
    public DefaultBackendCandidate {
      Objects.requireNonNull(action, "action");
      hosts = List.copyOf(hosts);
      Objects.requireNonNull(source, "source");
    }
  }

  /**
   * A TLS section with a valid certificate.
   *
   * @param hosts the section's hosts; empty means "the default certificate"
   * @param bundle the validated certificate
   * @param source the Ingress
   * @param rank the Ingress's age rank
   */
  public record TlsCandidate(List<String> hosts, TlsBundle bundle, ObjectRef source, int rank) {
    public TlsCandidate {
      hosts = List.copyOf(hosts);
      Objects.requireNonNull(bundle, "bundle");
      Objects.requireNonNull(source, "source");
    }
  }
}
