package dev.weir.controller.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.controller.state.ClusterState;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The same objects in any order give byte-identical snapshots; any change gives a new version. */
class SnapshotDeterminismTest {

  private final SnapshotPipeline pipeline = new SnapshotPipeline(IngressOptions.defaults());

  @Test
  void shuffledInputGivesTheSameBytesAndVersion() throws IOException {
    for (Path in : IngressGoldenTest.cases()) {
      ClusterState state = GoldenCase.read(in);
      BuildResult expected = pipeline.build(state);
      for (long seed = 1; seed <= 5; seed++) {
        BuildResult shuffled = pipeline.build(shuffle(state, new Random(seed)));
        assertThat(shuffled.snapshot().toByteArray())
            .as("%s with seed %d", in.getFileName(), seed)
            .isEqualTo(expected.snapshot().toByteArray());
        assertThat(shuffled.problems()).isEqualTo(expected.problems());
      }
    }
  }

  @Test
  void shuffledGatewayInputGivesTheSameSnapshotsAndStatus() throws IOException {
    for (Path in : IngressGoldenTest.cases(IngressGoldenTest.GATEWAY_DIR)) {
      ClusterState state = GoldenCase.read(in);
      BuildResult expected = pipeline.build(state);
      for (long seed = 1; seed <= 5; seed++) {
        BuildResult shuffled = pipeline.build(shuffle(state, new Random(seed)));
        assertThat(shuffled.snapshot().toByteArray())
            .as("%s with seed %d", in.getFileName(), seed)
            .isEqualTo(expected.snapshot().toByteArray());
        assertThat(shuffled.gatewaySnapshots())
            .as("%s with seed %d", in.getFileName(), seed)
            .isEqualTo(expected.gatewaySnapshots());
        assertThat(shuffled.gatewayStatus()).isEqualTo(expected.gatewayStatus());
        assertThat(shuffled.problems()).isEqualTo(expected.problems());
      }
    }
  }

  @Test
  void eachGatewaySnapshotVersionIsTheHashOfItsContent() throws IOException {
    BuildResult result =
        pipeline.build(
            GoldenCase.read(IngressGoldenTest.GATEWAY_DIR.resolve("per-gateway.in.yaml")));
    assertThat(result.gatewaySnapshots()).containsOnlyKeys("default/internal", "default/public");
    result
        .gatewaySnapshots()
        .values()
        .forEach(s -> assertThat(SnapshotCompiler.versionOf(s)).isEqualTo(s.getVersion()));
    assertThat(result.snapshotFor("default/public").getListenersCount()).isEqualTo(2);
    assertThat(result.snapshotFor("default/internal").getListenersCount()).isEqualTo(1);
    assertThat(result.snapshotFor("default/internal").getSecretsCount()).isZero();
  }

  @Test
  void onlyGatewaysWithDedicatedPodsGetTheirOwnSnapshot() throws IOException {
    ClusterState state =
        GoldenCase.read(IngressGoldenTest.GATEWAY_DIR.resolve("per-gateway.in.yaml"));
    BuildResult all = pipeline.build(state);
    BuildResult none = pipeline.build(state, g -> false);
    BuildResult one = pipeline.build(state, "default/internal"::equals);

    assertThat(none.snapshot()).isEqualTo(all.snapshot());
    assertThat(none.gatewaySnapshots()).isEmpty();
    assertThat(none.compiled("default/internal")).isFalse();
    assertThat(none.compiled("")).isTrue();
    assertThat(none.compiled("default/not-weirs")).isTrue();
    assertThat(one.gatewaySnapshots()).containsOnlyKeys("default/internal");
    assertThat(one.snapshotFor("default/internal")).isEqualTo(all.snapshotFor("default/internal"));
    assertThat(one.compiled("default/public")).isFalse();
  }

  @Test
  void versionIsTheHashOfTheSnapshotWithoutVersionGenerationAndNonce() throws IOException {
    ConfigSnapshot snapshot = pipeline.build(read("tls-certificates")).snapshot();
    assertThat(snapshot.getVersion()).hasSize(64).matches("[0-9a-f]+");
    assertThat(snapshot.getGeneration()).isZero();
    assertThat(snapshot.getNonce()).isEmpty();
    ConfigSnapshot stamped = snapshot.toBuilder().setGeneration(7).setNonce("n-1").build();
    assertThat(SnapshotCompiler.versionOf(stamped)).isEqualTo(snapshot.getVersion());
  }

  @Test
  void changedEndpointGivesADifferentVersion() throws IOException {
    ClusterState state = read("endpoints");
    List<EndpointSlice> slices = new ArrayList<>(state.endpointSlices());
    EndpointSlice first = slices.get(0);
    slices.set(
        0,
        new EndpointSliceBuilder(first)
            .addNewEndpoint()
            .withAddresses("10.9.9.9")
            .endEndpoint()
            .build());
    ClusterState changed =
        new ClusterState(
            state.ingressClasses(), state.ingresses(), state.services(), slices, state.secrets());
    assertThat(pipeline.build(changed).snapshot().getVersion())
        .isNotEqualTo(pipeline.build(state).snapshot().getVersion());
  }

  @Test
  void changedOptionsGiveADifferentVersion() throws IOException {
    ClusterState state = read("backend-ports");
    IngressOptions d = IngressOptions.defaults();
    SnapshotPipeline other =
        new SnapshotPipeline(
            new IngressOptions(
                d.controllerName(), 80, 443, d.connectTimeout(), d.responseTimeout()));
    assertThat(other.build(state).snapshot().getVersion())
        .isNotEqualTo(pipeline.build(state).snapshot().getVersion());
  }

  @Test
  void unusedServiceChangeKeepsTheVersion() throws IOException {
    ClusterState state = read("class-selection");
    List<io.fabric8.kubernetes.api.model.Service> services = new ArrayList<>(state.services());
    services.add(
        new io.fabric8.kubernetes.api.model.ServiceBuilder()
            .withNewMetadata()
            .withName("unrelated")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withPorts(new ServicePortBuilder().withPort(80).build())
            .endSpec()
            .build());
    ClusterState changed =
        new ClusterState(
            state.ingressClasses(),
            state.ingresses(),
            services,
            state.endpointSlices(),
            state.secrets());
    assertThat(pipeline.build(changed).snapshot().getVersion())
        .isEqualTo(pipeline.build(state).snapshot().getVersion());
  }

  private static ClusterState read(String name) {
    return GoldenCase.read(IngressGoldenTest.DIR.resolve(name + ".in.yaml"));
  }

  private static ClusterState shuffle(ClusterState s, Random random) {
    return new ClusterState(
        shuffled(s.ingressClasses(), random),
        shuffled(s.ingresses(), random),
        shuffled(s.services(), random),
        shuffled(s.endpointSlices(), random).stream()
            .map(
                slice -> {
                  EndpointSlice copy = new EndpointSliceBuilder(slice).build();
                  if (copy.getEndpoints() != null) {
                    copy.setEndpoints(shuffled(copy.getEndpoints(), random));
                  }
                  return copy;
                })
            .toList(),
        shuffled(s.secrets(), random),
        new ClusterState.GatewayApiObjects(
            shuffled(s.gatewayApi().gatewayClasses(), random),
            shuffled(s.gatewayApi().gateways(), random),
            shuffled(s.gatewayApi().httpRoutes(), random),
            shuffled(s.gatewayApi().grpcRoutes(), random),
            shuffled(s.gatewayApi().referenceGrants(), random),
            shuffled(s.gatewayApi().namespaces(), random),
            shuffled(s.gatewayApi().backendTlsPolicies(), random),
            shuffled(s.gatewayApi().configMaps(), random)),
        new ClusterState.WeirPolicies(
            shuffled(s.policies().backendPolicies(), random),
            shuffled(s.policies().trafficPolicies(), random),
            shuffled(s.policies().filterExtensions(), random)));
  }

  private static <T> List<T> shuffled(List<T> in, Random random) {
    List<T> out = new ArrayList<>(in);
    Collections.shuffle(out, random);
    return out;
  }
}
