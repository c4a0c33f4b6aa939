package dev.weir.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code manifests/} is the chart rendered with default values (release {@code weir}, namespace
 * {@code weir-system}), for {@code kubectl apply -f manifests/}. Regenerate on purpose with {@code
 * -Dweir.manifests.update=true} and review the diff.
 */
class ManifestsTest {

  private static final String HEADER =
      """
      # Generated from helm/weir with default values by
      #   ./weir mvn -pl packaging -am test -Dtest=ManifestsTest -Dweir.manifests.update=true
      # Do not edit: change the chart and regenerate (a test fails when the two differ).
      """;

  private static final String NAMESPACE =
      HEADER
          + """
          apiVersion: v1
          kind: Namespace
          metadata:
            name: %s
          """
              .formatted(Chart.NAMESPACE);

  /**
   * The chart installs Weir's CRDs from its own {@code crds/} folder (Helm installs those before
   * the templates). They are copies of the top-level {@code crds/}: once that folder exists, the
   * chart's must hold the same files (copy them there); until then the chart has none.
   */
  @Test
  void chartCrdsAreCopiesOfTheTopLevelCrds() throws IOException {
    Path top = Chart.root().resolve("crds");
    Path chart = Chart.dir().resolve("crds");
    if (!Files.isDirectory(top)) {
      assertThat(chart).doesNotExist();
      return;
    }
    try (Stream<Path> files = Files.list(top)) {
      for (Path crd : files.filter(f -> f.toString().matches(".*\\.ya?ml")).toList()) {
        Path copy = chart.resolve(crd.getFileName());
        assertThat(copy).as("helm/weir/crds/%s", crd.getFileName()).exists();
        assertThat(Files.readString(copy)).isEqualTo(Files.readString(crd));
      }
    }
  }

  @Test
  void manifestsEqualTheDefaultRendering() throws IOException {
    Path dir = Chart.root().resolve("manifests");
    // kubectl applies a folder's files in name order: the Namespace first.
    Map<String, String> expected =
        Map.of(
            "00-namespace.yaml",
            NAMESPACE,
            "weir.yaml",
            HEADER + Chart.render(Map.of()).strip() + "\n");
    if (Boolean.getBoolean("weir.manifests.update")) {
      Files.createDirectories(dir);
      for (var e : expected.entrySet()) {
        Files.writeString(dir.resolve(e.getKey()), e.getValue());
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(expected.keySet());
    }
    for (var e : expected.entrySet()) {
      assertThat(Files.readString(dir.resolve(e.getKey())))
          .as("manifests/%s is stale: regenerate with -Dweir.manifests.update=true", e.getKey())
          .isEqualTo(e.getValue());
    }
  }
}
