package dev.weir.controller.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every {@code golden/ingress/<case>.in.yaml} through the pipeline and compares the rendering
 * with {@code <case>.out.yaml}. Run with {@code -Dweir.golden.update=true} to rewrite the .out
 * files, then review the diff.
 */
class IngressGoldenTest {

  static final Path DIR = Path.of("src/test/resources/golden/ingress");
  static final Path GATEWAY_DIR = Path.of("src/test/resources/golden/gateway");
  private static final boolean UPDATE = Boolean.getBoolean("weir.golden.update");

  static List<Path> cases() throws IOException {
    return cases(DIR);
  }

  static List<Path> cases(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".in.yaml")).sorted().toList();
    }
  }

  @TestFactory
  Stream<DynamicTest> everyCaseMatchesItsGoldenFile() throws IOException {
    SnapshotPipeline pipeline = new SnapshotPipeline(IngressOptions.defaults());
    return cases().stream()
        .map(
            in ->
                DynamicTest.dynamicTest(
                    in.getFileName().toString().replace(".in.yaml", ""),
                    () -> check(pipeline, in)));
  }

  @Test
  void thereAreGoldenCases() throws IOException {
    assertThat(cases()).hasSizeGreaterThanOrEqualTo(10);
  }

  static void check(SnapshotPipeline pipeline, Path in) throws IOException {
    String actual = GoldenCase.render(pipeline.build(GoldenCase.read(in)));
    Path out = in.resolveSibling(in.getFileName().toString().replace(".in.yaml", ".out.yaml"));
    if (UPDATE) {
      Files.writeString(out, actual, StandardCharsets.UTF_8);
      return;
    }
    if (!Files.exists(out)) {
      fail("missing " + out + "; run with -Dweir.golden.update=true to create it");
    }
    String expected = Files.readString(out, StandardCharsets.UTF_8);
    if (!expected.equals(actual)) {
      fail(
          "%s differs; rerun with -Dweir.golden.update=true if the change is intended%n%s",
          out, diff(expected.lines().toList(), actual.lines().toList()));
    }
  }

  /** The first differing region, with three lines of context: "-" expected, "+" actual. */
  static String diff(List<String> expected, List<String> actual) {
    int first = 0;
    while (first < expected.size()
        && first < actual.size()
        && expected.get(first).equals(actual.get(first))) {
      first++;
    }
    int endE = expected.size();
    int endA = actual.size();
    while (endE > first && endA > first && expected.get(endE - 1).equals(actual.get(endA - 1))) {
      endE--;
      endA--;
    }
    StringBuilder b = new StringBuilder("@@ line " + (first + 1) + " @@\n");
    for (int i = Math.max(0, first - 3); i < first; i++) {
      b.append("  ").append(expected.get(i)).append('\n');
    }
    expected.subList(first, endE).forEach(l -> b.append("- ").append(l).append('\n'));
    actual.subList(first, endA).forEach(l -> b.append("+ ").append(l).append('\n'));
    for (int i = endE; i < Math.min(expected.size(), endE + 3); i++) {
      b.append("  ").append(expected.get(i)).append('\n');
    }
    return b.toString();
  }
}
