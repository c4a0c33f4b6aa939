package dev.weir.controller.translate;

import dev.weir.controller.compile.IngressOptions;
import dev.weir.controller.model.Action;
import dev.weir.controller.model.BackendSettings;
import dev.weir.controller.model.Cluster;
import dev.weir.controller.model.Endpoint;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceBackendPort;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Turns an Ingress backend into a route action and, for a Service backend, a {@link Cluster} with
 * its ready endpoints. A backend that cannot be resolved becomes a 503 direct response plus a
 * {@link Problem}, so the path still answers and its neighbours are untouched.
 *
 * <p>Endpoints come from EndpointSlices labelled {@code kubernetes.io/service-name}; the slice port
 * is matched by the Service port's name ("" when unnamed), as kube-proxy does. Only IPv4/IPv6
 * slices count, and only endpoints that are ready (an absent {@code ready} counts as ready, per the
 * EndpointConditions API doc) and not terminating. Only an endpoint's first address is used: the
 * API says they are fungible and consumers may use only the first.
 *
 * <p>One instance serves one build and collects its clusters: not thread-safe.
 */
final class BackendResolver {

  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  /** The Service port appProtocol for HTTP/2 over cleartext (KEP-3726). */
  static final String H2C_APP_PROTOCOL = "kubernetes.io/h2c";

  /** Appended to the name of an H2C cluster on a port that does not declare h2c. */
  static final String H2C_SUFFIX = "~h2c";

  private final IngressOptions options;
  private final BackendTlsPolicies tlsPolicies;
  private final BackendPolicies backendPolicies;
  private final Map<String, Service> services = new HashMap<>();
  private final Map<String, List<EndpointSlice>> slices = new HashMap<>();
  private final SortedMap<String, Cluster> clusters = new TreeMap<>();

  /**
   * @param tlsPolicies the BackendTLSPolicies that apply to the Services' ports (Gateway API
   *     routes), or null (Ingress)
   * @param backendPolicies the BackendPolicies that apply to the Services' ports (both)
   */
  BackendResolver(
      IngressOptions options,
      List<Service> serviceList,
      List<EndpointSlice> sliceList,
      BackendTlsPolicies tlsPolicies,
      BackendPolicies backendPolicies) {
    this.options = options;
    this.tlsPolicies = tlsPolicies;
    this.backendPolicies = Objects.requireNonNull(backendPolicies, "backendPolicies");
    for (Service s : serviceList) {
      if (s != null && s.getMetadata() != null && s.getMetadata().getName() != null) {
        services.put(key(Ingresses.namespace(s), Ingresses.name(s)), s);
      }
    }
    for (EndpointSlice slice : sliceList) {
      if (slice == null || slice.getMetadata() == null) {
        continue;
      }
      Map<String, String> labels = slice.getMetadata().getLabels();
      String service = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
      if (service != null) {
        slices
            .computeIfAbsent(key(Ingresses.namespace(slice), service), k -> new ArrayList<>())
            .add(slice);
      }
    }
  }

  /** Every cluster resolved so far, by name. */
  SortedMap<String, Cluster> clusters() {
    return clusters;
  }

  /**
   * Resolves {@code backend} of an object in {@code namespace}.
   *
   * @param field where the backend sits, for messages ("spec.rules[0].http.paths[1].backend")
   */
  Action resolve(
      IngressBackend backend,
      String namespace,
      ObjectRef source,
      String field,
      List<Problem> problems) {
    if (backend == null || (backend.getService() == null && backend.getResource() == null)) {
      problems.add(
          new Problem(
              source,
              "ResolvedRefs",
              "BackendNotFound",
              field + " names neither a service nor a resource"));
      return unavailable();
    }
    if (backend.getService() == null) {
      problems.add(
          new Problem(
              source,
              "Accepted",
              "UnsupportedValue",
              field + ".resource is not supported by this controller; answering 503"));
      return unavailable();
    }
    IngressServiceBackend ref = backend.getService();
    String name = Objects.requireNonNullElse(ref.getName(), "");
    Service service = services.get(key(namespace, name));
    if (service == null) {
      problems.add(
          new Problem(
              source,
              "ResolvedRefs",
              "BackendNotFound",
              field + ".service: Service " + namespace + "/" + name + " not found"));
      return unavailable();
    }
    ServicePort port = findPort(service, ref.getPort());
    if (port == null) {
      problems.add(
          new Problem(
              source,
              "ResolvedRefs",
              "PortNotFound",
              field
                  + ".service.port: Service "
                  + namespace
                  + "/"
                  + name
                  + " has no port "
                  + describe(ref.getPort())));
      return unavailable();
    }
    return new Action.Forward(cluster(namespace, name, port, false, problems));
  }

  /**
   * The cluster of port {@code port} of Service {@code namespace/name}, creating it on first use,
   * or a sentence saying why there is none (for a Gateway API backendRef).
   */
  ServiceLookup servicePort(
      String namespace, String name, int port, boolean grpc, List<Problem> problems) {
    Service service = services.get(key(namespace, name));
    if (service == null) {
      return new ServiceLookup(null, "Service " + namespace + "/" + name + " not found");
    }
    ServiceBackendPort wanted = new ServiceBackendPort(null, port);
    ServicePort found = findPort(service, wanted);
    if (found == null) {
      return new ServiceLookup(null, "Service " + namespace + "/" + name + " has no port " + port);
    }
    return new ServiceLookup(cluster(namespace, name, found, grpc, problems), "");
  }

  /**
   * The protocol a Service port asks for through its {@code appProtocol} (KEP-3726 standard
   * values): {@code kubernetes.io/h2c} is HTTP/2 with prior knowledge; {@code kubernetes.io/ws},
   * {@code kubernetes.io/wss}, anything else and none are HTTP/1.1 (WebSocket upgrades pass through
   * an HTTP/1.1 pool).
   */
  static Cluster.Protocol protocolOf(ServicePort port) {
    return H2C_APP_PROTOCOL.equals(port.getAppProtocol())
        ? Cluster.Protocol.H2C
        : Cluster.Protocol.HTTP1;
  }

  /**
   * The cluster of one Service port, created on first use. A GRPCRoute backend is always H2C (gRPC
   * runs over HTTP/2 only); when the port itself does not say h2c, the name gets {@code ~h2c} so
   * that an HTTPRoute to the same port keeps its HTTP/1.1 pool. The name depends only on the
   * Service port and the protocol, so rebuilds are deterministic.
   */
  private String cluster(
      String namespace, String name, ServicePort port, boolean grpc, List<Problem> problems) {
    Cluster.Protocol own = protocolOf(port);
    Cluster.Protocol protocol = grpc ? Cluster.Protocol.H2C : own;
    String clusterName =
        namespace + "/" + name + ":" + port.getPort() + (protocol == own ? "" : H2C_SUFFIX);
    BackendTlsPolicies.Resolution tls =
        tlsPolicies == null ? null : tlsPolicies.forPort(namespace, name, port.getName());
    if (tls != null || UpstreamTlsProtocols.requiresTls(port)) {
      return tlsCluster(clusterName, namespace, name, port, protocol, tls, problems);
    }
    BackendPolicies.Resolution policy = backendPolicies.forPort(namespace, name, port.getName());
    clusters.computeIfAbsent(
        clusterName,
        n ->
            new Cluster(
                n,
                endpoints(
                    namespace, name, Objects.requireNonNullElse(port.getName(), ""), problems),
                connectTimeout(policy),
                options.responseTimeout(),
                protocol,
                null,
                settings(policy)));
    return clusterName;
  }

  /**
   * The cluster of a Service port spoken to over TLS ({@link UpstreamTlsProtocols}). Without a
   * usable BackendTLSPolicy it has no endpoints, so its traffic fails (503) rather than going out
   * unverified or in cleartext.
   */
  private String tlsCluster(
      String plainName,
      String namespace,
      String name,
      ServicePort port,
      Cluster.Protocol protocol,
      BackendTlsPolicies.Resolution tls,
      List<Problem> problems) {
    boolean usable = tls != null && tls.tls() != null;
    String clusterName = plainName + (usable ? UpstreamTlsProtocols.TLS_SUFFIX : "~tls-invalid");
    if (!usable && !clusters.containsKey(clusterName)) {
      problems.add(
          new Problem(
              new ObjectRef("Service", namespace, name),
              "ResolvedRefs",
              tls == null ? "UnsupportedProtocol" : "InvalidBackendTLSPolicy",
              tls == null
                  ? "port "
                      + port.getPort()
                      + " has appProtocol "
                      + port.getAppProtocol()
                      + " but no BackendTLSPolicy says how to verify it; answering 503"
                  : "BackendTLSPolicy " + tls.policy() + " is not accepted; answering 503"));
    }
    BackendPolicies.Resolution policy = backendPolicies.forPort(namespace, name, port.getName());
    clusters.computeIfAbsent(
        clusterName,
        n ->
            new Cluster(
                n,
                usable
                    ? endpoints(
                        namespace, name, Objects.requireNonNullElse(port.getName(), ""), problems)
                    : List.of(),
                connectTimeout(policy),
                options.responseTimeout(),
                UpstreamTlsProtocols.overTls(protocol, port),
                usable ? tls.tls() : null,
                settings(policy)));
    return clusterName;
  }

  /** The BackendPolicy's connect timeout, or the controller's default. */
  private java.time.Duration connectTimeout(BackendPolicies.Resolution policy) {
    return policy == null || policy.connectTimeout() == null
        ? options.connectTimeout()
        : policy.connectTimeout();
  }

  private static BackendSettings settings(BackendPolicies.Resolution policy) {
    return policy == null ? BackendSettings.NONE : policy.settings();
  }

  /**
   * The result of {@link #servicePort}.
   *
   * @param cluster the cluster name, or null when the Service or port does not exist
   * @param why why there is no cluster, or ""
   */
  record ServiceLookup(String cluster, String why) {}

  /** The answer for a path whose backend cannot be used. */
  static Action unavailable() {
    return new Action.DirectResponse(503, "backend unavailable\n");
  }

  private static ServicePort findPort(Service service, ServiceBackendPort wanted) {
    if (wanted == null || service.getSpec() == null || service.getSpec().getPorts() == null) {
      return null;
    }
    for (ServicePort p : service.getSpec().getPorts()) {
      if (p == null || p.getPort() == null) {
        continue;
      }
      boolean byName =
          wanted.getName() != null
              && !wanted.getName().isEmpty()
              && wanted.getName().equals(p.getName());
      boolean byNumber =
          (wanted.getName() == null || wanted.getName().isEmpty())
              && wanted.getNumber() != null
              && wanted.getNumber().equals(p.getPort());
      if (byName || byNumber) {
        return p;
      }
    }
    return null;
  }

  private static String describe(ServiceBackendPort port) {
    if (port == null) {
      return "(no port given)";
    }
    if (port.getName() != null && !port.getName().isEmpty()) {
      return "named \"" + port.getName() + "\"";
    }
    return String.valueOf(port.getNumber());
  }

  private List<Endpoint> endpoints(
      String namespace, String service, String portName, List<Problem> problems) {
    List<Endpoint> out = new ArrayList<>();
    for (EndpointSlice slice : slices.getOrDefault(key(namespace, service), List.of())) {
      String type = slice.getAddressType();
      if (!"IPv4".equals(type) && !"IPv6".equals(type)) {
        continue; // FQDN slices name hosts, not addresses; the snapshot carries IP literals only.
      }
      Integer number = slicePort(slice, portName);
      if (number == null || slice.getEndpoints() == null) {
        continue;
      }
      int weight = EndpointWeights.of(slice, problems);
      for (io.fabric8.kubernetes.api.model.discovery.v1.Endpoint e : slice.getEndpoints()) {
        if (e == null || e.getAddresses() == null || e.getAddresses().isEmpty()) {
          continue;
        }
        EndpointConditions c = e.getConditions();
        boolean ready = c == null || c.getReady() == null || c.getReady();
        boolean terminating = c != null && Boolean.TRUE.equals(c.getTerminating());
        String address = e.getAddresses().get(0);
        if (!ready || terminating) {
          continue;
        }
        if (isIpLiteral(type, address)) {
          out.add(new Endpoint(address, number, weight));
        } else {
          // Local-mode YAML skips API validation; one bad address must not make a pod NACK.
          problems.add(
              new Problem(
                  Ingresses.ref("EndpointSlice", slice),
                  "Accepted",
                  "InvalidAddress",
                  "endpoint address \""
                      + String.valueOf(address).replaceAll("[^\\x21-\\x7e]", "?")
                      + "\" is not an "
                      + type
                      + " literal; skipped"));
        }
      }
    }
    return sortedUnique(out);
  }

  /**
   * {@code endpoints} in their order, each address and port once (the first seen wins, as a {@code
   * TreeSet} would keep it); a stable sort of a list allocates far less than a tree of 100 nodes.
   */
  private static List<Endpoint> sortedUnique(List<Endpoint> endpoints) {
    endpoints.sort(null);
    List<Endpoint> unique = new ArrayList<>(endpoints.size());
    for (Endpoint e : endpoints) {
      if (unique.isEmpty() || unique.get(unique.size() - 1).compareTo(e) != 0) {
        unique.add(e);
      }
    }
    return List.copyOf(unique);
  }

  private static final java.util.regex.Pattern IPV6 =
      java.util.regex.Pattern.compile("[0-9a-fA-F:.]{2,45}");

  private static boolean isIpLiteral(String type, String address) {
    if (address == null) {
      return false;
    }
    return "IPv4".equals(type)
        ? Ipv4Literal.matches(address)
        : address.contains(":") && IPV6.matcher(address).matches();
  }

  private static Integer slicePort(EndpointSlice slice, String portName) {
    if (slice.getPorts() == null) {
      return null;
    }
    for (EndpointPort p : slice.getPorts()) {
      if (p != null
          && p.getPort() != null
          && portName.equals(Objects.requireNonNullElse(p.getName(), ""))) {
        return p.getPort();
      }
    }
    return null;
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
