package dev.weir.e2e;

import static dev.weir.e2e.KubeObjects.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.testing.EchoServer;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * An Ingress's life as a user meets it, against the controller and data plane as processes and the
 * mock API server: created → traffic flows; changed → new routing within a second; its endpoints
 * scaled to zero → 503; deleted → 404. The steps build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IngressLifecycleE2E {

  private static final String HOST = "shop.example.com";
  private static MockApiServer api;
  private static KubernetesClient kube;
  private static WeirStack weir;
  private static EchoServer web;
  private static EchoServer cart;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Path.of("target", "e2e", IngressLifecycleE2E.class.getSimpleName());
    web = EchoServer.start("web");
    cart = EchoServer.start("cart");
    api = new MockApiServer(dir);
    kube = api.client();
    api.createService("web", web);
    api.createService("cart", cart);
    weir = WeirStack.kubernetes(dir, api.kubeconfig());
    weir.awaitReady();
  }

  @AfterAll
  static void stop() {
    if (weir != null) {
      weir.close();
    }
    api.close();
    web.close();
    cart.close();
  }

  @Test
  @Order(1)
  void createdIngressRoutesTraffic() {
    kube.resource(KubeObjects.ingress("shop", HOST, KubeObjects.path("Prefix", "/", "web")))
        .create();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              HttpResponse<String> r = weir.get(HOST, "/products/1");
              assertThat(r.statusCode()).isEqualTo(200);
              assertThat(r.headers().firstValue("x-backend")).hasValue("web");
              assertThat(r.body()).contains("header host: " + HOST);
            });
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(
                        kube.network()
                            .v1()
                            .ingresses()
                            .inNamespace(NS)
                            .withName("shop")
                            .get()
                            .getStatus()
                            .getLoadBalancer()
                            .getIngress())
                    .extracting(i -> i.getIp())
                    .containsExactly(WeirStack.PUBLISHED_ADDRESS));
  }

  @Test
  @Order(2)
  void changedIngressReroutesWithinOneSecond() throws Exception {
    assertThat(weir.get(HOST, "/cart/items").headers().firstValue("x-backend")).hasValue("web");
    long start = System.nanoTime();
    api.update(
        KubeObjects.ingress(
            "shop",
            HOST,
            KubeObjects.path("Prefix", "/", "web"),
            KubeObjects.path("Prefix", "/cart", "cart")));
    await()
        .atMost(Duration.ofSeconds(1))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () ->
                "cart"
                    .equals(
                        weir.get(HOST, "/cart/items")
                            .headers()
                            .firstValue("x-backend")
                            .orElse("")));
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.println(
        "e2e propagation (Ingress update -> routed by the data plane): " + millis + " ms");
    // Element-wise prefix: /cartography is not under /cart.
    assertThat(weir.get(HOST, "/cartography").headers().firstValue("x-backend")).hasValue("web");
  }

  @Test
  @Order(3)
  void endpointsScaledToZeroAnswer503() throws Exception {
    kube.resources(EndpointSlice.class).inNamespace(NS).withName("cart-" + cart.port()).delete();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              HttpResponse<String> r = weir.get(HOST, "/cart/items");
              assertThat(r.statusCode()).isEqualTo(503);
              assertThat(r.headers().firstValue("x-request-id")).isPresent();
              assertThat(r.body()).contains(r.headers().firstValue("x-request-id").orElseThrow());
            });
    assertThat(weir.get(HOST, "/").statusCode()).isEqualTo(200);
  }

  @Test
  @Order(4)
  void deletedIngressAnswers404() {
    kube.resources(io.fabric8.kubernetes.api.model.networking.v1.Ingress.class)
        .inNamespace(NS)
        .withName("shop")
        .delete();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(weir.get(HOST, "/").statusCode()).isEqualTo(404));
  }

  @Test
  @Order(5)
  void controllerReportsTheNodeAckedTheServedVersion() throws Exception {
    String version = weir.servingVersion();
    assertThat(version).hasSize(64);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(weir.nodes()).contains("e2e-dataplane").contains(version));
  }
}
