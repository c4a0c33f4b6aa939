package dev.weir.e2e;

import static org.awaitility.Awaitility.await;

import dev.weir.controller.crd.BackendPolicy;
import dev.weir.controller.crd.PolicyStatus;
import dev.weir.testing.EchoServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The set-up every Gateway API scenario shares, as upstream conformance has it: Weir's
 * GatewayClass, three echo backends behind Services {@code infra-backend-v1..v3} in namespace
 * {@code infra}, and a Gateway {@code infra/same-namespace} whose listener {@code http} (on a free
 * port) admits routes from its own namespace. The controller and a shared data plane run as
 * processes against the mock API server. Owned by one test class.
 */
final class GatewayFixture implements AutoCloseable {

  static final String NS = "infra";
  final MockApiServer api;
  final KubernetesClient kube;
  final WeirStack weir;
  final EchoServer v1 = EchoServer.start("infra-backend-v1");
  final EchoServer v2 = EchoServer.start("infra-backend-v2");
  final EchoServer v3 = EchoServer.start("infra-backend-v3");

  /** The port of listener {@code http} of Gateway {@code infra/same-namespace}. */
  final int port = WeirStack.freePort();

  GatewayFixture(Class<?> scenario) throws IOException {
    this(scenario, "127.0.0.1");
  }

  /**
   * @param bindAddress the loopback address the data plane's listeners bind; requests go there
   */
  GatewayFixture(Class<?> scenario, String bindAddress) throws IOException {
    this(scenario, bindAddress, List.of());
  }

  /**
   * @param bindAddress the loopback address the data plane's listeners bind; requests go there
   * @param dataplaneArgs flags added to the data plane's (such as {@code --plugin-dir DIR})
   */
  GatewayFixture(Class<?> scenario, String bindAddress, List<String> dataplaneArgs)
      throws IOException {
    Path dir = Path.of("target", "e2e", scenario.getSimpleName());
    api = new MockApiServer(dir);
    kube = api.client();
    api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata:
          name: weir
        spec:
          controllerName: weir.dev/gateway-controller
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: same-namespace
          namespace: infra
        spec:
          gatewayClassName: weir
          listeners:
          - name: http
            port: %d
            protocol: HTTP
            allowedRoutes:
              namespaces:
                from: Same
        """
            .formatted(port));
    service(NS, "infra-backend-v1", v1);
    service(NS, "infra-backend-v2", v2);
    service(NS, "infra-backend-v3", v3);
    weir = WeirStack.kubernetes(dir, api.kubeconfig(), bindAddress, dataplaneArgs);
    weir.awaitReady();
  }

  /** Creates Service {@code ns/name} (port 8080, named "http") with {@code backend} behind it. */
  void service(String ns, String name, EchoServer backend) {
    service(ns, name, backend.port(), null);
  }

  /**
   * Creates Service {@code ns/name} (port 8080, named "http") with all of {@code backends} behind
   * it: one EndpointSlice per backend, since each listens on its own port.
   */
  void service(String ns, String name, List<EchoServer> backends) {
    service(ns, name, backends.getFirst());
    for (int i = 1; i < backends.size(); i++) {
      api.apply(endpointSlice(ns, name + "-" + i, name, backends.get(i).port(), "http", ""));
    }
  }

  /**
   * Creates Service {@code ns/name} (port 8080) with the backend listening on {@code backendPort}
   * behind it; both ports carry {@code appProtocol} (e.g. {@code kubernetes.io/h2c}) unless it is
   * null. The port is named after the protocol's last segment ("h2c", "ws"), or "http" without one.
   */
  void service(String ns, String name, int backendPort, String appProtocol) {
    String portName =
        appProtocol == null ? "http" : appProtocol.substring(appProtocol.lastIndexOf('/') + 1);
    String protocol = appProtocol == null ? "" : ", appProtocol: " + appProtocol;
    api.apply(
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: %2$s
          namespace: %1$s
        spec:
          ports:
          - {name: %3$s, port: 8080%4$s}
        """
                .formatted(ns, name, portName, protocol)
            + "---\n"
            + endpointSlice(ns, name, name, backendPort, portName, protocol));
  }

  /** An EndpointSlice of Service {@code ns/service} with one endpoint, 127.0.0.1:{@code port}. */
  private static String endpointSlice(
      String ns, String slice, String service, int port, String portName, String protocol) {
    return """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: %2$s
          namespace: %1$s
          labels:
            kubernetes.io/service-name: %3$s
        addressType: IPv4
        ports:
        - {name: %5$s, port: %4$d%6$s}
        endpoints:
        - addresses: ["127.0.0.1"]
        """
        .formatted(ns, slice, service, port, portName, protocol);
  }

  /** Sends {@code request} (its URI's host and port are replaced by the listener's). */
  HttpResponse<String> send(String host, String pathAndQuery, String method, String... headers)
      throws IOException, InterruptedException {
    return send(port, host, pathAndQuery, method, headers);
  }

  HttpResponse<String> send(
      int listenerPort, String host, String pathAndQuery, String method, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create("http://" + weir.bindAddress + ":" + listenerPort + pathAndQuery))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10))
            .header("Host", host);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return weir.client().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String host, String pathAndQuery, String... headers)
      throws IOException, InterruptedException {
    return send(host, pathAndQuery, "GET", headers);
  }

  /** Which backend served the response, from its {@code x-backend} header ("" if none). */
  static String backend(HttpResponse<String> response) {
    return response.headers().firstValue("x-backend").orElse("");
  }

  Gateway gateway(String ns, String name) {
    return kube.resources(Gateway.class).inNamespace(ns).withName(name).get();
  }

  HTTPRoute route(String ns, String name) {
    return kube.resources(HTTPRoute.class).inNamespace(ns).withName(name).get();
  }

  /** The condition {@code type} among {@code conditions} (which may be null: no status yet). */
  static Optional<Condition> condition(List<Condition> conditions, String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> c.getType().equals(type)).findFirst();
  }

  /** The condition {@code type} on Gateway {@code ns/name}; empty until its status is written. */
  Optional<Condition> gatewayCondition(String ns, String name, String type) {
    Gateway g = gateway(ns, name);
    if (g == null || g.getStatus() == null) {
      return Optional.empty();
    }
    return condition(g.getStatus().getConditions(), type);
  }

  /**
   * Waits until Gateway {@code infra/same-namespace} is {@code Programmed=True}: every data plane
   * ACKed what it was sent (a NACK shows as {@code Programmed=False, Invalid}).
   */
  void awaitProgrammed() {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                gatewayCondition(NS, "same-namespace", "Programmed")
                    .filter(c -> c.getStatus().equals("True"))
                    .isPresent());
  }

  /**
   * HTTPRoute {@code infra/name} on Gateway {@code same-namespace} for host {@code
   * name.example.com}, with {@code rules} (YAML list items, indented by two spaces).
   */
  static String httpRoute(String name, String rules) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: %1$s, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [%1$s.example.com]
          rules:
        """
            .formatted(name)
        + rules;
  }

  /** The condition {@code type} on listener {@code listener} of Gateway {@code ns/gateway}. */
  Optional<Condition> listenerCondition(String ns, String gateway, String listener, String type) {
    Gateway g = gateway(ns, gateway);
    if (g == null || g.getStatus() == null) {
      return Optional.empty();
    }
    return g.getStatus().getListeners().stream()
        .filter(l -> l.getName().equals(listener))
        .flatMap(l -> l.getConditions().stream())
        .filter(c -> c.getType().equals(type))
        .findFirst();
  }

  /**
   * Holds a free port, applies Gateway {@code infra/name} with one HTTP listener on it, and waits
   * until the data plane's NACK shows as {@code Programmed} reason {@code Invalid}. Closing it
   * deletes the Gateway and frees the port.
   */
  BlockedGateway blockedGateway(String name) throws IOException {
    int taken = WeirStack.freePort();
    ServerSocket holder = new ServerSocket(taken, 50, InetAddress.getLoopbackAddress());
    BlockedGateway blocked = new BlockedGateway(name, taken, holder);
    try {
      api.apply(
          """
          apiVersion: gateway.networking.k8s.io/v1
          kind: Gateway
          metadata: {name: %s, namespace: infra}
          spec:
            gatewayClassName: weir
            listeners:
            - {name: http, port: %d, protocol: HTTP}
          """
              .formatted(name, taken));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  gatewayCondition(NS, name, "Programmed")
                      .filter(c -> c.getReason().equals("Invalid"))
                      .isPresent());
      return blocked;
    } catch (RuntimeException | Error e) {
      blocked.close();
      throw e;
    }
  }

  /** A Gateway whose only listener's port is held by someone else; see {@link #blockedGateway}. */
  final class BlockedGateway implements AutoCloseable {
    private final String name;
    private final int port;
    private final ServerSocket holder;

    private BlockedGateway(String name, int port, ServerSocket holder) {
      this.name = name;
      this.port = port;
      this.holder = holder;
    }

    /** The listener's port, held so that the data plane cannot bind it. */
    int port() {
      return port;
    }

    @Override
    public void close() throws IOException {
      try {
        kube.resources(Gateway.class).inNamespace(NS).withName(name).delete();
      } finally {
        holder.close();
      }
    }
  }

  /**
   * Waits until BackendPolicy {@code infra/name} has an ancestor entry of Weir's whose {@code
   * Accepted} condition (GEP-713) has {@code status} and {@code reason}; returns that entry.
   */
  PolicyAncestorStatus awaitPolicyAccepted(String name, String status, String reason) {
    return awaitPolicyAccepted(BackendPolicy.class, name, status, reason);
  }

  /** As {@link #awaitPolicyAccepted(String, String, String)}, for a policy of kind {@code kind}. */
  <P extends CustomResource<?, PolicyStatus>> PolicyAncestorStatus awaitPolicyAccepted(
      Class<P> kind, String name, String status, String reason) {
    return await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(
            () ->
                kube
                    .resources(kind)
                    .inNamespace(NS)
                    .withName(name)
                    .get()
                    .getStatus()
                    .ancestors
                    .stream()
                    .filter(a -> a.getControllerName().equals("weir.dev/gateway-controller"))
                    .filter(
                        a ->
                            condition(a.getConditions(), "Accepted")
                                .filter(c -> c.getStatus().equals(status))
                                .filter(c -> c.getReason().equals(reason))
                                .isPresent())
                    .findFirst(),
            Optional::isPresent)
        .orElseThrow();
  }

  /** The condition {@code type} on {@code route}'s parent entry for Gateway {@code gateway}. */
  Optional<Condition> routeCondition(String ns, String name, String gateway, String type) {
    HTTPRoute route = route(ns, name);
    if (route == null || route.getStatus() == null) {
      return Optional.empty();
    }
    List<RouteParentStatus> parents = route.getStatus().getParents();
    return parents.stream()
        .filter(p -> p.getParentRef().getName().equals(gateway))
        .flatMap(p -> p.getConditions().stream())
        .filter(c -> c.getType().equals(type))
        .findFirst();
  }

  /** Waits until the route's condition {@code type} has {@code status} and {@code reason}. */
  void awaitRouteCondition(
      String ns, String name, String gateway, String type, String status, String reason) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                routeCondition(ns, name, gateway, type)
                    .filter(c -> c.getStatus().equals(status) && c.getReason().equals(reason))
                    .isPresent());
  }

  @Override
  public void close() {
    weir.close();
    api.close();
    v1.close();
    v2.close();
    v3.close();
  }
}
