package dev.weir.e2e;

import dev.weir.controller.crd.BackendPolicy;
import dev.weir.controller.crd.FilterExtension;
import dev.weir.controller.crd.TrafficPolicy;
import dev.weir.testing.EchoServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

/**
 * fabric8's mock API server in CRUD mode, over plain HTTP on a free loopback port, standing in for
 * kube-apiserver (none can be had on these machines). Writes a kubeconfig that points at it, for
 * the controller process.
 */
final class MockApiServer implements AutoCloseable {

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final Path kubeconfig;

  MockApiServer(Path dir) throws IOException {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init();
    client = server.createClient();
    // So that apply() reads Weir's own kinds (weir.dev/v1alpha1) as their model classes.
    client.getKubernetesSerialization().registerKubernetesResource(BackendPolicy.class);
    client.getKubernetesSerialization().registerKubernetesResource(TrafficPolicy.class);
    client.getKubernetesSerialization().registerKubernetesResource(FilterExtension.class);
    client.resource(KubeObjects.weirClass()).create();
    kubeconfig = dir.resolve("kubeconfig.yaml");
    Files.createDirectories(dir);
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: http://%s:%d
        users:
        - name: mock
          user:
            token: e2e
        contexts:
        - name: mock
          context:
            cluster: mock
            user: mock
            namespace: default
        current-context: mock
        """
            .formatted(server.getHostName(), server.getPort()));
  }

  /**
   * Creates Service {@code name} (port 80, named "http") and its EndpointSlices: one ready endpoint
   * per backend.
   */
  void createService(String name, EchoServer... backends) {
    client.resource(KubeObjects.service(name)).create();
    int[] ports = java.util.Arrays.stream(backends).mapToInt(EchoServer::port).toArray();
    KubeObjects.endpoints(name, ports).forEach(s -> client.resource(s).create());
  }

  /**
   * Replaces {@code object} as a user's {@code kubectl replace} would, trying again when the
   * controller wrote the object's status in between (409 Conflict).
   */
  void update(HasMetadata object) {
    for (int attempt = 1; ; attempt++) {
      try {
        client.resource(object).update();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  /**
   * Applies multi-document YAML as {@code kubectl apply} would: creates each object, or replaces it
   * when it exists. Namespaces named by the objects are created first.
   */
  void apply(String yaml) {
    List<HasMetadata> items =
        client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
    for (HasMetadata item : items) {
      String ns = item.getMetadata().getNamespace();
      if (ns != null && client.namespaces().withName(ns).get() == null) {
        client
            .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .create();
      }
      if (client.resource(item).get() == null) {
        client.resource(item).create();
      } else {
        item.getMetadata().setResourceVersion(null);
        update(item);
      }
    }
  }

  /** A client for the test itself, to create and change objects. */
  KubernetesClient client() {
    return client;
  }

  /** The kubeconfig file that points the controller at this server. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
