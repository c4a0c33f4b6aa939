package dev.weir.controller.translate;

import dev.weir.controller.model.Cluster;
import dev.weir.controller.model.GatewayApiStatus.Condition;
import dev.weir.controller.model.TlsBundle;
import dev.weir.controller.translate.GatewayApiTranslation.AttachedRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SecretObjectReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The client certificate each Gateway presents to its TLS backends: {@code
 * spec.tls.backend.clientCertificateRef} (Gateway API v1.4, GEP-3155), for mTLS to backends.
 *
 * <ul>
 *   <li>The ref names a {@code kubernetes.io/tls} Secret, in another namespace only with a
 *       ReferenceGrant. The Gateway gets {@code ResolvedRefs=True}, or {@code ResolvedRefs=False}
 *       with reason {@code InvalidClientCertificateRef} (missing, not a Secret, invalid) or {@code
 *       RefNotPermitted}; without the field the Gateway has no ResolvedRefs condition.
 *   <li>An invalid ref presents no certificate: the Gateway's TLS backends are reached as they were
 *       before the field was set (a backend that requires a certificate then refuses the
 *       handshake), so a typo never takes down backends that do not ask for one.
 *   <li>The certificate only applies to clusters that already speak TLS (a BackendTLSPolicy, or
 *       appProtocol https); it never turns TLS on. Clusters are shared by every Gateway in a
 *       snapshot, so a Gateway with a certificate gets its own copy of each TLS cluster, named
 *       {@code <cluster>~client=<namespace>/<secret>}, and its attached routes are rewritten to use
 *       the copies. Two Gateways on one port with different certificates serve a shared route once,
 *       with the first Gateway's copy.
 * </ul>
 *
 * <p>One instance per build: not thread-safe.
 */
final class BackendClientCertificates {

  private static final String VARIANT = "~client=";

  private final Map<String, TlsBundle> byGateway = new HashMap<>();
  private final Map<String, Condition> conditions = new HashMap<>();

  /**
   * Resolves the client certificate of Gateway {@code key}, if it names one.
   *
   * @param gateways resolves Secret references as listener certificateRefs are resolved
   */
  void resolve(String key, Gateway g, GatewayTranslator gateways, List<Problem> problems) {
    if (g.getSpec().getTls() == null
        || g.getSpec().getTls().getBackend() == null
        || g.getSpec().getTls().getBackend().getClientCertificateRef() == null) {
      return;
    }
    SecretObjectReference ref = g.getSpec().getTls().getBackend().getClientCertificateRef();
    ObjectRef source = Ingresses.ref("Gateway", g);
    List<TlsBundle> out = new ArrayList<>();
    String why = gateways.secret(source, ref, out);
    if (why.isEmpty()) {
      byGateway.put(key, out.get(0));
      conditions.put(
          key,
          new Condition(
              "ResolvedRefs", true, "ResolvedRefs", "the backend client certificate is resolved"));
      return;
    }
    String reason =
        why.startsWith("RefNotPermitted") ? "RefNotPermitted" : "InvalidClientCertificateRef";
    String message =
        "spec.tls.backend.clientCertificateRef: "
            + why.substring(why.indexOf(':') + 2)
            + "; TLS backends are reached without a client certificate";
    conditions.put(key, new Condition("ResolvedRefs", false, reason, message));
    problems.add(new Problem(source, "ResolvedRefs", reason, message));
  }

  /** The ResolvedRefs condition of Gateway {@code key}, when it names a client certificate. */
  Optional<Condition> condition(String key) {
    return Optional.ofNullable(conditions.get(key));
  }

  /** Every resolved client certificate, by Secret name. */
  List<TlsBundle> bundles() {
    Map<String, TlsBundle> unique = new TreeMap<>();
    byGateway.values().forEach(b -> unique.putIfAbsent(b.name(), b));
    return List.copyOf(unique.values());
  }

  /**
   * {@code routes} with each route of a Gateway that has a client certificate moved onto copies of
   * its TLS clusters that present it; the copies are added to {@code clusters}.
   */
  List<AttachedRoute> apply(List<AttachedRoute> routes, SortedMap<String, Cluster> clusters) {
    if (byGateway.isEmpty()) {
      return routes;
    }
    List<AttachedRoute> out = new ArrayList<>(routes.size());
    for (AttachedRoute a : routes) {
      TlsBundle bundle = byGateway.get(a.gateway());
      if (bundle == null) {
        out.add(a);
        continue;
      }
      out.add(
          new AttachedRoute(
              a.gateway(),
              a.port(),
              a.domain(),
              a.route().withClusters(name -> variant(name, bundle.name(), clusters)),
              a.created(),
              a.rule(),
              a.match(),
              a.grpc()));
    }
    return out;
  }

  /** The copy of cluster {@code name} presenting {@code secret}, or {@code name} if not TLS. */
  private static String variant(String name, String secret, SortedMap<String, Cluster> clusters) {
    Cluster c = clusters.get(name);
    if (c == null || c.tls() == null) {
      return name;
    }
    String copy = name + VARIANT + secret;
    clusters.computeIfAbsent(copy, n -> c.presentingClientCertificate(n, secret));
    return copy;
  }
}
