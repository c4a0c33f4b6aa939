package dev.weir.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The real-cluster scripts under e2e/kind/ cannot run here (no Docker engine); they are checked
 * with {@code bash -n} and shellcheck instead.
 */
class KindScriptTest {

  @Test
  void scriptsParseAndPassShellcheck() throws Exception {
    List<String> scripts = scripts();
    assertThat(scripts).isNotEmpty();
    for (String script : scripts) {
      assertThat(Files.readString(Path.of(script))).as(script).contains("set -euo pipefail");
      assertThat(run("bash", "-n", script)).as("bash -n " + script).isEmpty();
    }
    assumeTrue(
        onPath("shellcheck"),
        "shellcheck is not installed (.ci/run installs it: apt-get install shellcheck)");
    List<String> command = new ArrayList<>(List.of("shellcheck", "--severity=style"));
    command.addAll(scripts);
    assertThat(run(command.toArray(String[]::new))).isEmpty();
  }

  private static List<String> scripts() throws Exception {
    try (Stream<Path> files = Files.list(Chart.root().resolve("e2e/kind"))) {
      return files.filter(f -> f.toString().endsWith(".sh")).map(Path::toString).sorted().toList();
    }
  }

  /** Runs a command; returns its output if it failed, else "". */
  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue() == 0 ? "" : out.isEmpty() ? "exit " + p.exitValue() : out;
  }

  private static boolean onPath(String tool) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
  }
}
