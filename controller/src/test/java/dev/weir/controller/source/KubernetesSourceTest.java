package dev.weir.controller.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.controller.translate.ObjectRef;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesSourceTest {

  KubernetesClient client;

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
