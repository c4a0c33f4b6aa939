package dev.weir.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code helm lint --strict} and {@code helm template} of helm/weir with several value sets. */
class ChartRenderTest {

  private static final String CONTROLLER = "weir-controller";
  private static final String DATAPLANE = "weir-dataplane";

  @Test
  void lintStrictPasses() {
    LintResult lint = new Helm(Chart.dir()).lint().strict().call();
    assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
  }

  static Stream<Arguments> valueSets() {
    return Stream.of(
        Arguments.of("defaults", Map.of()),
        Arguments.of(
            "hpa and monitoring",
            Map.of(
                "dataplane.autoscaling.enabled", "true",
                "serviceMonitor.enabled", "true",
                "dashboards.enabled", "true")),
        Arguments.of(
            "nodeport, tracing, json logs, custom images",
            Map.of(
                "dataplane.service.type", "NodePort",
                "dataplane.service.httpNodePort", "30080",
                "tracing.endpoint", "http://otel-collector.observability:4318",
                "logFormat", "json",
                "controller.image.repository", "registry.example/weir/controller",
                "controller.image.tag", "1.2.3",
                "dataplane.image.repository", "registry.example/weir/dataplane")),
        Arguments.of(
            "one namespace, no classes, no leader election",
            Map.of(
                "controller.watchNamespace", "shop",
                "controller.replicas", "1",
                "controller.leaderElection.enabled", "false",
                "ingressClass.enabled", "false",
                "gatewayClass.enabled", "false",
                "dataplane.podDisruptionBudget.enabled", "false",
                "topologySpread.enabled", "false")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void everyRenderedObjectIsAKnownModelTypeWithNoUnknownField(String name, Map<String, ?> set) {
    List<HasMetadata> objects = Chart.parse(Chart.render(set));
    assertThat(objects).isNotEmpty();
    for (HasMetadata o : objects) {
      String id = o.getKind() + " " + o.getMetadata().getName();
      if (o.getKind().equals("ServiceMonitor")) {
        // prometheus-operator's kind: fabric8's Kubernetes model has no type for it (its fields
        // are checked in hpaReplacesTheFixedReplicaCountAndServiceMonitorScrapesTheProbePort).
        continue;
      }
      assertThat(o).as(id).isNotInstanceOf(GenericKubernetesResource.class);
      assertThat(Chart.unknownFields(o)).as(id).isEmpty();
    }
  }

  @Test
  void theUnknownFieldCheckCatchesAMisspeltOrMisplacedKey() {
    List<HasMetadata> parsed =
        Chart.parse(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: x}
            spec:
              replica: 2
              template:
                spec:
                  containers: [{name: c, image: i, readinessprobe: {}}]
            """);
    assertThat(parsed).singleElement().isInstanceOf(Deployment.class);
    assertThat(Chart.unknownFields(parsed.get(0)))
        .containsExactlyInAnyOrder(
            ".spec.replica", ".spec.template.spec.containers[0].readinessprobe");
  }

  @Test
  void defaultsInstallEverythingTheReadmePromises() {
    List<HasMetadata> objects = Chart.parse(Chart.render(Map.of()));
    Deployment controller = Chart.one(objects, Deployment.class, CONTROLLER);
    Deployment dataplane = Chart.one(objects, Deployment.class, DATAPLANE);
    assertThat(controller.getSpec().getReplicas()).isEqualTo(2);
    assertThat(dataplane.getSpec().getReplicas()).isEqualTo(2);
    assertThat(Chart.one(objects, IngressClass.class, "weir").getSpec().getController())
        .isEqualTo("weir.dev/ingress-controller");
    assertThat(Chart.one(objects, GatewayClass.class, "weir").getSpec().getControllerName())
        .isEqualTo("weir.dev/gateway-controller");
    assertThat(Chart.one(objects, Service.class, DATAPLANE).getSpec().getType())
        .isEqualTo("LoadBalancer");
    assertThat(Chart.one(objects, PodDisruptionBudget.class, DATAPLANE).getSpec())
        .satisfies(s -> assertThat(s.getMaxUnavailable().getIntVal()).isEqualTo(1));
    assertThat(objects).noneMatch(HorizontalPodAutoscaler.class::isInstance);

    Container c = container(controller);
    assertThat(c.getArgs())
        .contains(
            "--admin-address=0.0.0.0",
            "--leader-elect=true",
            "--leader-election-namespace=" + Chart.NAMESPACE,
            "--publish-service=" + Chart.NAMESPACE + "/" + DATAPLANE);
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");

    Container d = container(dataplane);
    assertThat(d.getArgs())
        .contains("--controller=" + CONTROLLER + "." + Chart.NAMESPACE + ".svc:18000")
        // The data plane's admin port stays on localhost.
        .noneMatch(a -> a.startsWith("--admin-address"));
    assertThat(d.getPorts()).extracting(p -> p.getContainerPort()).containsOnly(8080, 8443, 18081);
    assertThat(d.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
    assertThat(d.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("probe");
    assertThat(dataplane.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
        .isGreaterThan(30);
  }

  @Test
  void podsRunNonRootOnAReadOnlyRootWithOnlyTmpWritable() {
    List<HasMetadata> objects = Chart.parse(Chart.render(Map.of()));
    for (String name : List.of(CONTROLLER, DATAPLANE)) {
      PodSpec pod = Chart.one(objects, Deployment.class, name).getSpec().getTemplate().getSpec();
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(name).isTrue();
      assertThat(pod.getSecurityContext().getRunAsUser()).as(name).isPositive();
      Container c = pod.getContainers().get(0);
      assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).as(name).isTrue();
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(name).isFalse();
      assertThat(c.getSecurityContext().getCapabilities().getDrop())
          .as(name)
          .containsExactly("ALL");
      assertThat(c.getVolumeMounts())
          .as(name)
          .singleElement()
          .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
      assertThat(pod.getVolumes())
          .as(name)
          .singleElement()
          .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
      assertThat(c.getResources().getRequests()).as(name).containsKeys("cpu", "memory");
      assertThat(c.getResources().getLimits()).as(name).containsKey("memory");
      assertThat(pod.getTopologySpreadConstraints()).as(name).hasSize(2);
    }
  }

  @Test
  void hpaReplacesTheFixedReplicaCountAndServiceMonitorsScrapeBothPrograms() {
    List<HasMetadata> objects =
        Chart.parse(
            Chart.render(
                Map.of(
                    "dataplane.autoscaling.enabled", "true",
                    "dataplane.autoscaling.maxReplicas", "7",
                    "serviceMonitor.enabled", "true",
                    "dashboards.enabled", "true")));
    assertThat(Chart.one(objects, Deployment.class, DATAPLANE).getSpec().getReplicas()).isNull();
    HorizontalPodAutoscaler hpa = Chart.one(objects, HorizontalPodAutoscaler.class, DATAPLANE);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(7);
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(DATAPLANE);
    scrapes(objects, DATAPLANE, 18081);
    scrapes(objects, CONTROLLER, 18001);
    assertThat(objects)
        .filteredOn(o -> o.getKind().equals("ConfigMap"))
        .isNotEmpty()
        .allSatisfy(
            m -> assertThat(m.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1"));
  }

  @Test
  void nodePortTracingLogFormatAndImagesReachThePods() {
    List<HasMetadata> objects =
        Chart.parse(
            Chart.render(
                Map.of(
                    "dataplane.service.type", "NodePort",
                    "dataplane.service.httpNodePort", "30080",
                    "tracing.endpoint", "http://otel:4318",
                    "tracing.samplingRatio", "0.25",
                    "dataplane.accessLog", "text",
                    "logFormat", "json",
                    "controller.image.repository", "registry.example/weir/controller",
                    "controller.image.tag", "1.2.3")));
    Service svc = Chart.one(objects, Service.class, DATAPLANE);
    assertThat(svc.getSpec().getType()).isEqualTo("NodePort");
    assertThat(svc.getSpec().getPorts().get(0).getNodePort()).isEqualTo(30080);
    Container c = container(Chart.one(objects, Deployment.class, CONTROLLER));
    assertThat(c.getImage()).isEqualTo("registry.example/weir/controller:1.2.3");
    assertThat(container(Chart.one(objects, Deployment.class, DATAPLANE)).getImage())
        .isEqualTo("weir-dataplane:0.1.0");
    assertThat(container(Chart.one(objects, Deployment.class, DATAPLANE)).getArgs())
        .contains("--access-log=text", "--trace-sampling-ratio=0.25");
    for (String name : List.of(CONTROLLER, DATAPLANE)) {
      assertThat(container(Chart.one(objects, Deployment.class, name)).getEnv())
          .as(name)
          .anySatisfy(
              e -> {
                assertThat(e.getName()).isEqualTo("OTEL_EXPORTER_OTLP_ENDPOINT");
                assertThat(e.getValue()).isEqualTo("http://otel:4318");
              })
          .anySatisfy(
              e -> {
                assertThat(e.getName()).isEqualTo("WEIR_LOG_FORMAT");
                assertThat(e.getValue()).isEqualTo("json");
              });
    }
  }

  /**
   * Asserts that ServiceMonitor {@code name} selects the Service {@code name-metrics}, which
   * selects the pods of Deployment {@code name} on {@code port}, scraped at /metrics.
   */
  @SuppressWarnings("unchecked")
  private static void scrapes(List<HasMetadata> objects, String name, int port) {
    Service metrics = Chart.one(objects, Service.class, name + "-metrics");
    assertThat(metrics.getSpec().getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getPort()).isEqualTo(port));
    assertThat(
            Chart.one(objects, Deployment.class, name)
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getLabels())
        .containsAllEntriesOf(metrics.getSpec().getSelector());
    GenericKubernetesResource monitor = Chart.one(objects, GenericKubernetesResource.class, name);
    assertThat(monitor.getKind()).isEqualTo("ServiceMonitor");
    Map<String, Object> selector =
        (Map<String, Object>)
            ((Map<String, Object>) monitor.get("spec", "selector")).get("matchLabels");
    assertThat(metrics.getMetadata().getLabels())
        .containsAllEntriesOf(
            selector.entrySet().stream()
                .collect(
                    java.util.stream.Collectors.toMap(
                        Map.Entry::getKey, e -> (String) e.getValue())));
    List<Map<String, Object>> endpoints =
        (List<Map<String, Object>>) monitor.get("spec", "endpoints");
    assertThat(endpoints)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e).containsEntry("path", "/metrics");
              assertThat(metrics.getSpec().getPorts().get(0).getName()).isEqualTo(e.get("port"));
            });
  }

  private static Container container(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0);
  }
}
