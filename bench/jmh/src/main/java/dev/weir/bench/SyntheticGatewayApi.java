package dev.weir.bench;

import dev.weir.controller.source.ObjectStore;
import dev.weir.controller.state.ClusterState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * A generated cluster for the controller's pipeline: one GatewayClass and Gateway (an HTTP listener
 * on port 80 that admits routes from every namespace) and {@code n} HTTPRoutes in namespace {@code
 * apps}, ten per host ({@code app<h>.example.com}) each with its own path prefix, every tenth also
 * matching a header; each host's routes go to its own Service, whose EndpointSlice holds three
 * endpoints (or as many as asked for). Loaded through the controller's {@link ObjectStore}, as the
 * golden tests load YAML. Pure; any thread.
 */
public final class SyntheticGatewayApi {

  private static final String GATEWAY =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: GatewayClass
      metadata: {name: weir, generation: 1}
      spec: {controllerName: weir.dev/gateway-controller}
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: gw, namespace: infra, generation: 1}
      spec:
        gatewayClassName: weir
        listeners:
          - name: http
            port: 80
            protocol: HTTP
            allowedRoutes: {namespaces: {from: All}}
      """;

  private static final String ROUTE =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: route-%1$d, namespace: apps, generation: 1}
      spec:
        parentRefs: [{name: gw, namespace: infra}]
        hostnames: [app%2$d.example.com]
        rules:
          - matches: [{path: {type: PathPrefix, value: /p%3$d}%4$s}]
            backendRefs: [{name: svc-%2$d, port: 80}]
      """;

  private static final String SERVICE =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: svc-%1$d, namespace: apps}
      spec:
        ports: [{port: 80, targetPort: 8080}]
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata:
        name: svc-%1$d-a
        namespace: apps
        labels: {kubernetes.io/service-name: svc-%1$d}
      addressType: IPv4
      ports: [{port: 8080}]
      endpoints:
      """;

  private static final String ENDPOINT = "  - addresses: [10.%d.%d.%d]\n";

  private SyntheticGatewayApi() {}

  /**
   * The cluster state holding {@code routes} HTTPRoutes and their Services (three endpoints each).
   */
  public static ClusterState state(int routes) {
    return state(routes, 3);
  }

  /**
   * The cluster state holding {@code routes} HTTPRoutes and their Services, each with {@code
   * endpoints} endpoints (16,777,216 endpoints in all at most).
   */
  public static ClusterState state(int routes, int endpoints) {
    KubernetesSerialization kube = new KubernetesSerialization();
    ObjectStore store = new ObjectStore();
    StringBuilder yaml = new StringBuilder(GATEWAY);
    for (int i = 0; i < routes; i++) {
      String header = i % 10 == 9 ? ", headers: [{name: x-canary, value: \"true\"}]" : "";
      yaml.append("---\n").append(String.format(ROUTE, i, i / 10, i % 10, header));
    }
    for (int h = 0; h < Math.max(1, routes / 10); h++) {
      yaml.append("---\n").append(String.format(SERVICE, h));
      for (int e = 0; e < endpoints; e++) {
        int i = h * endpoints + e;
        yaml.append(String.format(ENDPOINT, i >> 16 & 255, i >> 8 & 255, i & 255));
      }
    }
    for (String doc : yaml.toString().split("(?m)^---\\s*$")) {
      store.put(kube.<HasMetadata>unmarshal(doc));
    }
    return store.snapshot();
  }
}
