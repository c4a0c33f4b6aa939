package dev.weir.controller.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.controller.state.ClusterState;
import dev.weir.controller.translate.ObjectRef;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesSourceTest {

  KubernetesClient client;
  KubernetesMockServer server;

  private final ObjectStore store = new ObjectStore();
  private final List<ObjectRef> changed = new CopyOnWriteArrayList<>();
  private final AtomicInteger resyncs = new AtomicInteger();
  private KubernetesSource source;

  @AfterEach
  void close() {
    if (source != null) {
      source.close();
    }
  }

  private void start(Optional<String> namespace) {
    source = new KubernetesSource(client, namespace, store);
    source.start(
        new ChangeListener() {
          @Override
          public void objectChanged(ObjectRef ref) {
            changed.add(ref);
          }

          @Override
          public void resynced() {
            resyncs.incrementAndGet();
          }
        });
    await().atMost(Duration.ofSeconds(10)).until(source::hasSynced);
    await().until(() -> resyncs.get() == 1);
  }

  @Test
  void initialListFillsTheStoreBeforeSync() {
    client
        .network()
        .v1()
        .ingressClasses()
        .resource(
            new IngressClassBuilder()
                .withNewMetadata()
                .withName("weir")
                .endMetadata()
                .withNewSpec()
                .withController("weir.dev/ingress-controller")
                .endSpec()
                .build())
        .create();
    client
        .network()
        .v1()
        .ingresses()
        .inNamespace("default")
        .resource(ingress("shop", "a.example.com"))
        .create();
    client.services().inNamespace("apps").resource(service("web")).create();

    start(Optional.empty());

    assertThat(store.snapshot().ingressClasses()).hasSize(1);
    assertThat(store.snapshot().ingresses()).hasSize(1);
    assertThat(store.snapshot().services()).hasSize(1);
  }

  @Test
  void informersSeeCreateUpdateAndDelete() {
    start(Optional.empty());
    var ingresses = client.network().v1().ingresses().inNamespace("default");
    ObjectRef ref = new ObjectRef("Ingress", "default", "shop");

    ingresses.resource(ingress("shop", "a.example.com")).create();
    await().until(() -> store.get(ref).isPresent());
    assertThat(changed).contains(ref);

    ingresses
        .withName("shop")
        .edit(
            i ->
                new IngressBuilder(i)
                    .editSpec()
                    .editFirstRule()
                    .withHost("b.example.com")
                    .endRule()
                    .endSpec()
                    .build());
    await().until(() -> host(store).equals("b.example.com"));

    ingresses.withName("shop").delete();
    await().until(() -> store.get(ref).isEmpty());
  }

  @Test
  void gatewayApiObjectsAreSeenOnCreateUpdateAndDelete() {
    start(Optional.empty());
    var gateways = client.resources(Gateway.class).inNamespace("web");
    ObjectRef gw = new ObjectRef("Gateway", "web", "gw");
    ObjectRef route = new ObjectRef("HTTPRoute", "web", "shop");

    client
        .resources(GatewayClass.class)
        .resource(
            new GatewayClassBuilder()
                .withNewMetadata()
                .withName("weir")
                .endMetadata()
                .withNewSpec()
                .withControllerName("weir.dev/gateway-controller")
                .endSpec()
                .build())
        .create();
    gateways.resource(gateway(80)).create();
    client
        .resources(HTTPRoute.class)
        .inNamespace("web")
        .resource(
            new HTTPRouteBuilder()
                .withNewMetadata()
                .withName("shop")
                .endMetadata()
                .withNewSpec()
                .addNewParentRef()
                .withName("gw")
                .endParentRef()
                .endSpec()
                .build())
        .create();
    client
        .resources(GRPCRoute.class)
        .inNamespace("web")
        .resource(new GRPCRouteBuilder().withNewMetadata().withName("rpc").endMetadata().build())
        .create();
    client
        .resources(ReferenceGrant.class)
        .inNamespace("apps")
        .resource(
            new ReferenceGrantBuilder().withNewMetadata().withName("grant").endMetadata().build())
        .create();

    await()
        .until(
            () -> {
              ClusterState.GatewayApiObjects g = store.snapshot().gatewayApi();
              return g.gatewayClasses().size() == 1
                  && g.gateways().size() == 1
                  && g.httpRoutes().size() == 1
                  && g.grpcRoutes().size() == 1
                  && g.referenceGrants().size() == 1;
            });
    assertThat(changed).contains(gw, route, new ObjectRef("GatewayClass", "", "weir"));

    gateways.resource(gateway(8080)).update();
    await()
        .until(
            () ->
                store
                        .snapshot()
                        .gatewayApi()
                        .gateways()
                        .getFirst()
                        .getSpec()
                        .getListeners()
                        .getFirst()
                        .getPort()
                    == 8080);

    gateways.withName("gw").delete();
    await().until(() -> store.get(gw).isEmpty());
    assertThat(store.get(route)).isPresent();
  }

  @Test
  void missingGatewayApiCrdsLeaveIngressWorking() {
    // A cluster without the CRDs answers 404 to their lists; the mock serves every path, so make
    // it refuse one kind's list.
    server
        .expect()
        .get()
        .withPath("/apis/gateway.networking.k8s.io/v1/httproutes?resourceVersion=0")
        .andReturn(404, new StatusBuilder().withCode(404).withReason("NotFound").build())
        .always();
    server
        .expect()
        .get()
        .withPath("/apis/gateway.networking.k8s.io/v1/httproutes")
        .andReturn(404, new StatusBuilder().withCode(404).withReason("NotFound").build())
        .always();

    start(Optional.empty());

    client
        .network()
        .v1()
        .ingresses()
        .inNamespace("default")
        .resource(ingress("shop", "a.example.com"))
        .create();
    await().until(() -> store.get(new ObjectRef("Ingress", "default", "shop")).isPresent());
    assertThat(store.snapshot().gatewayApi().httpRoutes()).isEmpty();
  }

  @Test
  void missingBackendTlsPolicyCrdCountsAsSyncedAndEmpty() {
    for (String path :
        List.of(
            "/apis/gateway.networking.k8s.io/v1/backendtlspolicies?resourceVersion=0",
            "/apis/gateway.networking.k8s.io/v1/backendtlspolicies")) {
      server
          .expect()
          .get()
          .withPath(path)
          .andReturn(404, new StatusBuilder().withCode(404).withReason("NotFound").build())
          .always();
    }
    start(Optional.empty());
    assertThat(store.snapshot().gatewayApi().backendTlsPolicies()).isEmpty();
  }

  @Test
  void onlyConfigMapsWithACaBundleAreKept() {
    start(Optional.empty());
    var maps = client.configMaps().inNamespace("default");
    maps.resource(configMap("ca", "ca.crt", "PEM")).create();
    maps.resource(configMap("settings", "level", "debug")).create();
    ObjectRef ca = new ObjectRef("ConfigMap", "default", "ca");
    await().until(() -> store.get(ca).isPresent());
    assertThat(store.get(new ObjectRef("ConfigMap", "default", "settings"))).isEmpty();

    // A ConfigMap that loses its ca.crt is dropped, and the loop hears about it.
    maps.withName("ca")
        .edit(
            m -> {
              m.setData(java.util.Map.of("other", "x"));
              return m;
            });
    await().until(() -> store.get(ca).isEmpty());
    assertThat(changed).contains(ca);
  }

  private static io.fabric8.kubernetes.api.model.ConfigMap configMap(
      String name, String key, String value) {
    return new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withData(java.util.Map.of(key, value))
        .build();
  }

  @Test
  void notFoundIsRecognisedThroughWrappers() {
    KubernetesClientException notFound = new KubernetesClientException("nope", 404, null);
    assertThat(KubernetesSource.isNotFound(new CompletionException(notFound))).isTrue();
    assertThat(KubernetesSource.isNotFound(new KubernetesClientException("x", 403, null)))
        .isFalse();
    assertThat(KubernetesSource.isNotFound(new IllegalStateException("x"))).isFalse();
  }

  private static Gateway gateway(int port) {
    return new GatewayBuilder()
        .withNewMetadata()
        .withName("gw")
        .withNamespace("web")
        .endMetadata()
        .withNewSpec()
        .withGatewayClassName("weir")
        .addNewListener()
        .withName("http")
        .withPort(port)
        .withProtocol("HTTP")
        .endListener()
        .endSpec()
        .build();
  }

  @Test
  void onlyTlsSecretsAreStored() {
    start(Optional.empty());

    client.secrets().inNamespace("default").resource(secret("opaque", "Opaque")).create();
    client.secrets().inNamespace("default").resource(secret("cert", "kubernetes.io/tls")).create();

    await().until(() -> store.get(new ObjectRef("Secret", "default", "cert")).isPresent());
    assertThat(store.get(new ObjectRef("Secret", "default", "opaque"))).isEmpty();
  }

  @Test
  void oneNamespaceIgnoresTheOthers() {
    start(Optional.of("shop"));

    client.services().inNamespace("other").resource(service("ignored")).create();
    client.services().inNamespace("shop").resource(service("seen")).create();

    await().until(() -> store.get(new ObjectRef("Service", "shop", "seen")).isPresent());
    assertThat(store.get(new ObjectRef("Service", "other", "ignored"))).isEmpty();
  }

  @Test
  void namespacesAreSeenWithTheirLabelsOnCreateUpdateAndDelete() {
    start(Optional.empty());
    ObjectRef ref = new ObjectRef("Namespace", "", "team-a");

    client.namespaces().resource(namespace("team-a", Map.of("team", "a"))).create();
    await().until(() -> labels(store, "team-a").equals(Map.of("team", "a")));
    assertThat(changed).contains(ref);

    client
        .namespaces()
        .withName("team-a")
        .edit(
            n ->
                new NamespaceBuilder(n)
                    .editMetadata()
                    .addToLabels("env", "prod")
                    .endMetadata()
                    .build());
    await().until(() -> labels(store, "team-a").equals(Map.of("team", "a", "env", "prod")));

    client.namespaces().withName("team-a").delete();
    await().until(() -> store.get(ref).isEmpty());
    assertThat(store.snapshot().gatewayApi().namespaces()).isEmpty();
  }

  @Test
  void oneNamespaceWatchesOnlyItsOwnNamespaceObject() {
    client.namespaces().resource(namespace("other", Map.of("team", "b"))).create();
    start(Optional.of("shop"));

    client.namespaces().resource(namespace("shop", Map.of("team", "a"))).create();

    await().until(() -> labels(store, "shop").equals(Map.of("team", "a")));
    assertThat(store.get(new ObjectRef("Namespace", "", "other"))).isEmpty();
  }

  private static Map<String, String> labels(ObjectStore store, String name) {
    return store.snapshot().gatewayApi().namespaces().stream()
        .filter(n -> n.getMetadata().getName().equals(name))
        .findFirst()
        .map(n -> n.getMetadata().getLabels())
        .orElse(Map.of());
  }

  private static io.fabric8.kubernetes.api.model.Namespace namespace(
      String name, Map<String, String> labels) {
    return new NamespaceBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .build();
  }

  private static String host(ObjectStore store) {
    return store.snapshot().ingresses().stream()
        .findFirst()
        .map(i -> i.getSpec().getRules().getFirst().getHost())
        .orElse("");
  }

  static Ingress ingress(String name, String host) {
    return new IngressBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withIngressClassName("weir")
        .addNewRule()
        .withHost(host)
        .endRule()
        .endSpec()
        .build();
  }

  private static io.fabric8.kubernetes.api.model.Service service(String name) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewPort()
        .withPort(80)
        .endPort()
        .endSpec()
        .build();
  }

  private static io.fabric8.kubernetes.api.model.Secret secret(String name, String type) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withType(type)
        .withData(Map.of("tls.crt", "Q0VSVA==", "tls.key", "S0VZ"))
        .build();
  }
}
