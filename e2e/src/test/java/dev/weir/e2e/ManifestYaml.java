package dev.weir.e2e;

/**
 * Kubernetes YAML text for the scenarios that feed the controller files (local mode), as a user
 * would write them. Each piece is one or more documents ending in a newline; join pieces with
 * {@code "---\n"}.
 */
final class ManifestYaml {

  private ManifestYaml() {}

  /** The IngressClass {@code weir}, marked as the cluster's default class. */
  static final String WEIR_CLASS =
      """
      apiVersion: networking.k8s.io/v1
      kind: IngressClass
      metadata:
        name: weir
        annotations:
          ingressclass.kubernetes.io/is-default-class: "true"
      spec:
        controller: weir.dev/ingress-controller
      """;

  /**
   * A Service {@code name} with port 80 named "http", and its EndpointSlice sending that port to
   * 127.0.0.1:{@code port}.
   */
  static String service(String name, int port) {
    return """
        apiVersion: v1
        kind: Service
        metadata:
          name: %1$s
        spec:
          ports:
          - name: http
            port: 80
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: %1$s
          labels:
            kubernetes.io/service-name: %1$s
        addressType: IPv4
        ports:
        - name: http
          port: %2$d
        endpoints:
        - addresses: ["127.0.0.1"]
        """
        .formatted(name, port);
  }
}
