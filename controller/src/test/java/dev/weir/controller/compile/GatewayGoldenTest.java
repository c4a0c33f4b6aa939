package dev.weir.controller.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every {@code golden/gateway/<case>.in.yaml} (Gateway API objects, optionally with Ingresses)
 * through the pipeline and compares the rendering (shared snapshot, per-Gateway snapshots, Gateway
 * API status and problems) with {@code <case>.out.yaml}. Run with {@code -Dweir.golden.update=true}
 * to rewrite the .out files, then review the diff.
 */
class GatewayGoldenTest {

  @TestFactory
  Stream<DynamicTest> everyCaseMatchesItsGoldenFile() throws IOException {
    SnapshotPipeline pipeline = new SnapshotPipeline(IngressOptions.defaults());
    return IngressGoldenTest.cases(IngressGoldenTest.GATEWAY_DIR).stream()
        .map(
            in ->
                DynamicTest.dynamicTest(
                    in.getFileName().toString().replace(".in.yaml", ""),
                    () -> IngressGoldenTest.check(pipeline, in)));
  }

  @Test
  void thereAreGoldenCases() throws IOException {
    assertThat(IngressGoldenTest.cases(IngressGoldenTest.GATEWAY_DIR))
        .hasSizeGreaterThanOrEqualTo(8);
  }
}
