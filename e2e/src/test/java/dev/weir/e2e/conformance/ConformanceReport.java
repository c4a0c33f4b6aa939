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
 * passes when every scenario tagged with it passed, and fails when any failed.
 *
 * <p>Registered through {@code META-INF/services}; JUnit calls it from its own threads, so the
 * state is synchronized.
 */
public final class ConformanceReport implements TestExecutionListener {

  private static final String PREFIX = "feature=";

  private final Map<String, Result> features = new TreeMap<>();

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
    StringBuilder table = new StringBuilder();
    table.append("| SupportedFeature | result | scenarios | failed |\n|---|---|---|---|\n");
    features.forEach(
        (name, r) ->
            table
                .append("| ")
                .append(name)
                .append(" | ")
                .append(r.failed == 0 ? "pass" : "FAIL")
                .append(" | ")
                .append(r.passed + r.failed)
                .append(" | ")
                .append(r.failures)
                .append(" |\n"));
    System.out.println("\nGateway API conformance (Weir's own scenarios):\n" + table);
    Path report = Path.of("CONFORMANCE.md");
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
