package dev.weir.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data plane's logging setup ({@code LogConfigurator}) in a real process: {@code
 * WEIR_LOG_FORMAT=json} turns its console logs into one JSON object per line, the default stays the
 * text line e2e tests parse, and a bad value is refused at start rather than silencing the logs.
 */
class LogFormatIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void jsonFormatWritesOneJsonObjectPerLine() throws Exception {
    Path out = dir.resolve("json.log");
    Process p = start(Map.of("WEIR_LOG_FORMAT", "json"), out);
    try {
      JsonNode probe =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> probeLine(out), Optional::isPresent)
              .orElseThrow();
      assertThat(probe.get("level").asText()).isEqualTo("INFO");
      assertThat(probe.get("loggerName").asText()).isEqualTo(DataplaneMain.class.getName());
      assertThat(probe.get("formattedMessage").asText())
          .matches("probe listening on 127\\.0\\.0\\.1:\\d+");
      assertThat(probe.has("timestamp")).isTrue();
      // Every line on stdout is a JSON object (the JVM's own warnings go to stderr).
      for (String line : Files.readAllLines(out)) {
        assertThat(JSON.readTree(line).isObject()).as(line).isTrue();
      }
    } finally {
      p.destroyForcibly().waitFor();
    }
  }

  @Test
  void textIsTheDefault() throws Exception {
    Path out = dir.resolve("text.log");
    Process p = start(Map.of(), out);
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  Files.readString(out)
                      .lines()
                      .anyMatch(
                          l ->
                              l.matches(
                                  "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[main\\] DataplaneMain"
                                      + " - probe listening on 127\\.0\\.0\\.1:\\d+")));
    } finally {
      p.destroyForcibly().waitFor();
    }
  }

  @Test
  void unknownFormatIsRefusedAtStart() throws Exception {
    Path out = dir.resolve("bad.log");
    Process p = start(Map.of("WEIR_LOG_FORMAT", "yaml"), out);
    assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(Files.readString(errors(out)))
        .contains("WEIR_LOG_FORMAT must be text or json, got 'yaml'");
  }

  private static Optional<JsonNode> probeLine(Path out) throws IOException {
    for (String line : Files.readAllLines(out)) {
      if (line.contains("probe listening on")) {
        return Optional.of(JSON.readTree(line));
      }
    }
    return Optional.empty();
  }

  private static Path errors(Path out) {
    return out.resolveSibling(out.getFileName() + ".err");
  }

  /**
   * The data plane with its own logging setup, stdout and stderr to out: the test class path
   * without the entry that holds the tests' logback-test.xml, for which the setup would step aside.
   */
  private static Process start(Map<String, String> env, Path out) throws IOException {
    List<String> classPath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!holdsTestLogging(Path.of(entry))) {
        classPath.add(entry);
      }
    }
    assertThat(classPath)
        .hasSizeLessThan(System.getProperty("java.class.path").split(File.pathSeparator).length);
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-cp");
    cmd.add(String.join(File.pathSeparator, classPath));
    cmd.add(DataplaneMain.class.getName());
    cmd.addAll(
        List.of(
            "--controller=127.0.0.1:1",
            "--probe-address=127.0.0.1",
            "--probe-port=0",
            "--admin-port=0",
            "--access-log=off",
            "--io-threads=1"));
    ProcessBuilder b =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(errors(out).toFile());
    b.environment().remove("WEIR_LOG_FORMAT");
    b.environment().putAll(env);
    return b.start();
  }

  private static boolean holdsTestLogging(Path entry) throws IOException {
    if (Files.isDirectory(entry)) {
      return Files.exists(entry.resolve("logback-test.xml"));
    }
    try (JarFile jar = new JarFile(entry.toFile())) {
      return jar.getEntry("logback-test.xml") != null;
    }
  }
}
