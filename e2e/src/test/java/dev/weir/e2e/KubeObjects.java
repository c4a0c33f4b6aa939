package dev.weir.e2e;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPathBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLSBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Builders for the Kubernetes objects the scenarios create, as a user would write them. */
final class KubeObjects {

  static final String NS = "default";

  private KubeObjects() {}

  static IngressClass weirClass() {
    return new IngressClassBuilder()
        .withNewMetadata()
        .withName("weir")
        .endMetadata()
        .withNewSpec()
        .withController("weir.dev/ingress-controller")
        .endSpec()
        .build();
  }

  /** A Service with one port 80 named "http". */
  static Service service(String name) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .endMetadata()
        .withNewSpec()
        .addNewPort()
        .withName("http")
        .withPort(80)
        .withTargetPort(new IntOrString("http"))
        .endPort()
        .endSpec()
        .build();
  }

  /**
   * The EndpointSlices of {@code service}: one ready endpoint at 127.0.0.1 per port. Loopback
   * backends differ only by port, and a slice's ports apply to all its endpoints, so each port gets
   * a slice of its own (as Kubernetes does while a Service's ports change).
   */
  static List<EndpointSlice> endpoints(String service, int... ports) {
    List<EndpointSlice> slices = new ArrayList<>();
    for (int port : ports) {
      slices.add(
          new EndpointSliceBuilder()
              .withNewMetadata()
              .withName(service + "-" + port)
              .withNamespace(NS)
              .withLabels(Map.of("kubernetes.io/service-name", service))
              .endMetadata()
              .withAddressType("IPv4")
              .addNewPort()
              .withName("http")
              .withPort(port)
              .withProtocol("TCP")
              .endPort()
              .withEndpoints(
                  new EndpointBuilder()
                      .withAddresses("127.0.0.1")
                      .withNewConditions()
                      .withReady(true)
                      .endConditions()
                      .build())
              .build());
    }
    return slices;
  }

  static HTTPIngressPath path(String pathType, String path, String service) {
    return new HTTPIngressPathBuilder()
        .withPathType(pathType)
        .withPath(path)
        .withNewBackend()
        .withNewService()
        .withName(service)
        .withNewPort()
        .withName("http")
        .endPort()
        .endService()
        .endBackend()
        .build();
  }

  /** An Ingress of class weir with one rule for {@code host}. */
  static Ingress ingress(String name, String host, HTTPIngressPath... paths) {
    return new IngressBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .endMetadata()
        .withNewSpec()
        .withIngressClassName("weir")
        .addNewRule()
        .withHost(host)
        .withNewHttp()
        .withPaths(paths)
        .endHttp()
        .endRule()
        .endSpec()
        .build();
  }

  /** {@code ingress} with a TLS section naming {@code secret} for {@code hosts}. */
  static Ingress withTls(Ingress ingress, String secret, String... hosts) {
    return new IngressBuilder(ingress)
        .editSpec()
        .addToTls(new IngressTLSBuilder().withHosts(hosts).withSecretName(secret).build())
        .endSpec()
        .build();
  }

  static Secret tlsSecret(String name, String certPem, String keyPem) {
    Base64.Encoder b64 = Base64.getEncoder();
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .endMetadata()
        .withType("kubernetes.io/tls")
        .withData(
            Map.of(
                "tls.crt", b64.encodeToString(certPem.getBytes(StandardCharsets.US_ASCII)),
                "tls.key", b64.encodeToString(keyPem.getBytes(StandardCharsets.US_ASCII))))
        .build();
  }
}
