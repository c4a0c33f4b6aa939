package dev.weir.e2e.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestTag;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Collects the results of the Gateway API conformance scenarios by feature, and at the end of the
 * run prints a SupportedFeature → pass/fail table and writes it to {@code CONFORMANCE.md} in the
 * e2e module. A scenario names the feature it proves with {@code @Tag("feature=NAME")}; a feature
 * passes when every scenario tagged with it passed, and fails when any failed. A run of only some
 * scenarios ({@code -Dtest=...}) updates the rows of the features it ran and keeps the others.
 *
 * <p>Registered through {@code META-INF/services}; JUnit calls it from its own threads, so the
 * state is synchronized.
 */
public final class ConformanceReport implements TestExecutionListener {

  private static final String PREFIX = "feature=";

  private final Map<String, Result> features = new TreeMap<>();

  private static StringBuilder table(Map<String, String> rows) {
    StringBuilder table = new StringBuilder();
    table.append("| SupportedFeature | result | scenarios | failed |\n|---|---|---|---|\n");
    rows.values().forEach(row -> table.append(row).append('\n'));
    return table;
  }

  /** One feature's tally. */
  private static final class Result {
    int passed;
    int failed;
    final StringBuilder failures = new StringBuilder();
  }

  @Override
  public synchronized void executionFinished(TestIdentifier test, TestExecutionResult result) {
    if (!test.isTest()) {
      return;
    }
    for (TestTag tag : test.getTags()) {
      if (!tag.getName().startsWith(PREFIX)) {
        continue;
      }
      Result r =
          features.computeIfAbsent(tag.getName().substring(PREFIX.length()), f -> new Result());
      if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
        r.passed++;
      } else {
        r.failed++;
        r.failures.append(r.failures.isEmpty() ? "" : "; ").append(test.getDisplayName());
      }
    }
  }

  @Override
  public synchronized void testPlanExecutionFinished(TestPlan plan) {
    if (features.isEmpty()) {
      return;
    }
    Map<String, String> rows = new TreeMap<>();
    features.forEach(
        (name, r) ->
            rows.put(
                name,
                "| "
                    + name
                    + " | "
                    + (r.failed == 0 ? "pass" : "FAIL")
                    + " | "
                    + (r.passed + r.failed)
                    + " | "
                    + r.failures
                    + " |"));
    System.out.println("\nGateway API conformance (Weir's own scenarios):\n" + table(rows));
    Path report = Path.of("CONFORMANCE.md");
    try {
      if (Files.exists(report)) {
        for (String line : Files.readAllLines(report)) {
          String[] cells = line.split("\\|");
          if (cells.length >= 5 && !cells[1].isBlank() && !cells[1].contains("-")) {
            String name = cells[1].strip();
            if (!name.equals("SupportedFeature")) {
              rows.putIfAbsent(name, line);
            }
          }
        }
      }
    } catch (IOException e) {
      System.err.println("cannot read " + report.toAbsolutePath() + ": " + e);
    }
    StringBuilder table = table(rows);
    if (!Files.isDirectory(Path.of("src", "test", "java", "dev", "weir", "e2e"))) {
      return; // not run from the e2e module: print only
    }
    try {
      Files.writeString(
          report,
          """
          # Gateway API conformance report

          Written by the e2e run (`./weir test`, or `./weir mvn -pl e2e verify`) from Weir's own
          scenarios in `src/test/java/dev/weir/e2e/` (`Gateway*E2E`), modelled on the upstream
          conformance tests: manifests applied to the mock API server, requests sent through the
          real data plane to echo backends. A feature passes when every scenario tagged with it
          passed in the last run. Last run: %s.

          %s"""
              .formatted(LocalDate.now(), table));
    } catch (IOException e) {
      System.err.println("cannot write " + report.toAbsolutePath() + ": " + e);
    }
  }
}
