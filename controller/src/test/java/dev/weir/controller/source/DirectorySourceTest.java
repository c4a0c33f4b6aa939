package dev.weir.controller.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.controller.state.ClusterState;
import dev.weir.controller.translate.ObjectRef;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySourceTest {

  private static final String SHOP =
      """
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata:
        name: shop
      spec:
        ingressClassName: weir
        rules:
        - host: shop.example.com
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: web
        namespace: apps
      spec:
        ports:
        - port: 80
          targetPort: 8080
      ---
      apiVersion: example.com/v1
      kind: Widget
      metadata:
        name: ignored
      ---
      apiVersion: v1
      kind: Secret
      metadata:
        name: opaque
      type: Opaque
      """;

  @TempDir Path dir;
  private final ObjectStore store = new ObjectStore();
  private final Recorder recorder = new Recorder();
  private DirectorySource source;

  @AfterEach
  void close() {
    if (source != null) {
      source.close();
    }
  }

  private void start() {
    source = new DirectorySource(dir, store, Duration.ofMillis(200));
    source.start(recorder);
  }

  @Test
  void multiDocumentFileIsReadBeforeStartReturns() throws Exception {
    Files.writeString(dir.resolve("shop.yaml"), SHOP);

    start();

    assertThat(source.hasSynced()).isTrue();
    assertThat(recorder.resyncs).hasSize(1);
    ClusterState state = store.snapshot();
    assertThat(state.ingresses()).hasSize(1);
    assertThat(state.ingresses().getFirst().getMetadata().getNamespace()).isEqualTo("default");
    assertThat(state.services())
        .extracting(s -> s.getMetadata().getNamespace())
        .containsExactly("apps");
    assertThat(state.secrets()).as("only kubernetes.io/tls Secrets are read").isEmpty();
    assertThat(source.problems()).isEmpty();
  }

  @Test
  void gatewayApiKindsAreRead() throws Exception {
    Files.writeString(
        dir.resolve("gateway.yaml"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata:
          name: weir
          namespace: ignored
        spec:
          controllerName: weir.dev/gateway-controller
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: gw
          namespace: web
        spec:
          gatewayClassName: weir
          listeners:
          - name: http
            port: 80
            protocol: HTTP
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: shop
        spec:
          parentRefs:
          - name: gw
            namespace: web
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata:
          name: rpc
          namespace: web
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: ReferenceGrant
        metadata:
          name: grant
          namespace: apps
        spec:
          from:
          - group: gateway.networking.k8s.io
            kind: HTTPRoute
            namespace: default
          to:
          - group: ""
            kind: Service
        ---
        apiVersion: gateway.networking.k8s.io/v1beta1
        kind: HTTPRoute
        metadata:
          name: old-version-is-not-read
        """);

    start();

    ClusterState.GatewayApiObjects g = store.snapshot().gatewayApi();
    assertThat(g.gatewayClasses()).hasSize(1);
    assertThat(g.gatewayClasses().getFirst().getMetadata().getNamespace())
        .as("cluster-scoped")
        .isNull();
    assertThat(g.gatewayClasses().getFirst().getSpec().getControllerName())
        .isEqualTo("weir.dev/gateway-controller");
    assertThat(g.gateways()).hasSize(1);
    assertThat(g.gateways().getFirst().getSpec().getListeners().getFirst().getPort()).isEqualTo(80);
    assertThat(g.httpRoutes())
        .extracting(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName())
        .containsExactly("default/shop");
    assertThat(g.grpcRoutes()).hasSize(1);
    assertThat(g.referenceGrants()).hasSize(1);
    assertThat(source.problems()).isEmpty();
  }

  @Test
  void backendTlsPoliciesAndConfigMapsAreRead() throws Exception {
    Files.writeString(
        dir.resolve("tls.yaml"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: BackendTLSPolicy
        metadata: {name: p, namespace: web}
        spec:
          targetRefs: [{group: "", kind: Service, name: api}]
          validation:
            caCertificateRefs: [{group: "", kind: ConfigMap, name: ca}]
            hostname: api.internal
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: ca, namespace: web}
        data:
          ca.crt: PEM
        """);
    start();
    ClusterState state = store.snapshot();
    assertThat(state.gatewayApi().backendTlsPolicies())
        .singleElement()
        .satisfies(
            p -> assertThat(p.getSpec().getValidation().getHostname()).isEqualTo("api.internal"));
    assertThat(state.gatewayApi().configMaps()).hasSize(1);
  }

  @Test
  void weirPoliciesAreRead() throws Exception {
    Files.writeString(
        dir.resolve("policies.yaml"),
        """
        apiVersion: weir.dev/v1alpha1
        kind: BackendPolicy
        metadata: {name: lb, namespace: web}
        spec:
          targetRefs: [{group: "", kind: Service, name: api, sectionName: http}]
          loadBalancer: {type: RingHash, hashOn: {header: x-user}}
          healthCheck: {type: HTTP, http: {path: /healthz}, interval: 30s}
        ---
        apiVersion: weir.dev/v1alpha1
        kind: TrafficPolicy
        metadata: {name: limits}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gw}]
          rateLimit: {requests: 5, unit: Second, key: ClientIP}
        """);
    start();
    ClusterState state = store.snapshot();
    assertThat(state.policies().backendPolicies())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getSpec().loadBalancer.hashOn.header).isEqualTo("x-user");
              assertThat(p.getSpec().targetRefs.getFirst().section()).isEqualTo("http");
              assertThat(p.getSpec().healthCheck.interval).isEqualTo("30s");
            });
    assertThat(state.policies().trafficPolicies())
        .singleElement()
        .satisfies(p -> assertThat(p.getMetadata().getNamespace()).isEqualTo("default"));
    assertThat(source.problems()).isEmpty();
  }

  @Test
  void nestedFoldersAndYmlFilesAreRead() throws Exception {
    Files.createDirectories(dir.resolve("a/b"));
    Files.writeString(dir.resolve("a/b/shop.yml"), SHOP);

    start();

    assertThat(store.snapshot().ingresses()).hasSize(1);
  }

  @Test
  void namespacesAreReadWithTheirLabelsAndRelabellingIsAChange() throws Exception {
    Path file = dir.resolve("namespaces.yaml");
    String text =
        """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: team-a
          labels: {team: a}
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: team-b
        """;
    Files.writeString(file, text);
    start();

    assertThat(store.snapshot().gatewayApi().namespaces())
        .extracting(n -> n.getMetadata().getName(), n -> n.getMetadata().getLabels())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("team-a", java.util.Map.of("team", "a")),
            org.assertj.core.groups.Tuple.tuple("team-b", java.util.Map.of()));
    assertThat(store.snapshot().gatewayApi().namespaces().getFirst().getMetadata().getNamespace())
        .as("cluster-scoped")
        .isNull();

    Files.writeString(file, text.replace("{team: a}", "{team: c}"));

    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                store
                    .snapshot()
                    .gatewayApi()
                    .namespaces()
                    .getFirst()
                    .getMetadata()
                    .getLabels()
                    .equals(java.util.Map.of("team", "c")));
    assertThat(recorder.changed).contains(new ObjectRef("Namespace", "", "team-a"));
    assertThat(source.problems()).isEmpty();
  }

  @Test
  void editedFileIsReRead() throws Exception {
    Path file = dir.resolve("shop.yaml");
    Files.writeString(file, SHOP);
    start();

    Files.writeString(file, SHOP.replace("shop.example.com", "store.example.com"));

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> host(store.snapshot()).equals("store.example.com"));
    assertThat(recorder.changed).contains(new ObjectRef("Ingress", "default", "shop"));
    assertThat(recorder.changed).doesNotContain(new ObjectRef("Service", "apps", "web"));
  }

  @Test
  void newFileInANewFolderIsPickedUp() throws Exception {
    start();

    Files.createDirectories(dir.resolve("later"));
    Files.writeString(dir.resolve("later/shop.yaml"), SHOP);

    await().atMost(Duration.ofSeconds(5)).until(() -> store.snapshot().ingresses().size() == 1);
  }

  @Test
  void brokenFileIsReportedWithItsLineAndKeepsItsLastGoodObjects() throws Exception {
    Path file = dir.resolve("shop.yaml");
    Files.writeString(file, SHOP);
    start();

    Files.writeString(
        file,
        """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: shop
          labels: [unclosed
        """);

    await().atMost(Duration.ofSeconds(5)).until(() -> !source.problems().isEmpty());
    SourceProblem problem = source.problems().getFirst();
    assertThat(problem.file()).isEqualTo("shop.yaml");
    assertThat(problem.line()).isGreaterThanOrEqualTo(5);
    assertThat(problem.toString()).startsWith("shop.yaml:" + problem.line() + ": ");
    assertThat(host(store.snapshot())).isEqualTo("shop.example.com");
    assertThat(store.snapshot().services()).hasSize(1);

    Files.writeString(file, SHOP);
    await().atMost(Duration.ofSeconds(5)).until(() -> source.problems().isEmpty());
  }

  @Test
  void documentWithoutANameIsAProblemNamingItsLine() throws Exception {
    Files.writeString(
        dir.resolve("bad.yaml"),
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: ok
        ---
        apiVersion: v1
        kind: Service
        metadata:
          namespace: x
        """);

    start();

    assertThat(source.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.file()).isEqualTo("bad.yaml");
              assertThat(p.line()).isEqualTo(6);
              assertThat(p.message()).contains("metadata.name");
            });
    assertThat(store.size()).isZero();
  }

  @Test
  void deletedFileRemovesItsObjects() throws Exception {
    Path file = dir.resolve("shop.yaml");
    Files.writeString(file, SHOP);
    Files.writeString(
        dir.resolve("other.yaml"),
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: other
        """);
    start();
    assertThat(store.size()).isEqualTo(3);

    Files.delete(file);

    await().atMost(Duration.ofSeconds(5)).until(() -> store.size() == 1);
    assertThat(store.snapshot().services())
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("other");
    assertThat(recorder.changed).contains(new ObjectRef("Ingress", "default", "shop"));
  }

  @Test
  void tlsSecretWithStringDataIsEncodedLikeTheApiServerDoes() throws Exception {
    Files.writeString(
        dir.resolve("tls.yaml"),
        """
        apiVersion: v1
        kind: Secret
        metadata:
          name: cert
        type: kubernetes.io/tls
        stringData:
          tls.crt: CERT
          tls.key: KEY
        """);

    start();

    assertThat(store.snapshot().secrets())
        .singleElement()
        .satisfies(s -> assertThat(s.getData()).containsEntry("tls.crt", "Q0VSVA=="));
  }

  private static String host(ClusterState state) {
    Ingress ingress = state.ingresses().getFirst();
    return ingress.getSpec().getRules().getFirst().getHost();
  }

  private static final class Recorder implements ChangeListener {
    final List<ObjectRef> changed = new CopyOnWriteArrayList<>();
    final List<Boolean> resyncs = new CopyOnWriteArrayList<>();

    @Override
    public void objectChanged(ObjectRef ref) {
      changed.add(ref);
    }

    @Override
    public void resynced() {
      resyncs.add(true);
    }
  }
}
