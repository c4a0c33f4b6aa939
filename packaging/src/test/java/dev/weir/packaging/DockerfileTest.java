package dev.weir.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Dockerfile.controller and Dockerfile.dataplane, checked without Docker: pinned base images, a
 * non-root numeric user, COPY sources that the module's Maven build produces, and an exec-form
 * ENTRYPOINT that starts the module's jar (whose manifest names the main class) with the JVM flags
 * {@code ./weir jvm-flags <module>} prints.
 */
class DockerfileTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "controller, dev.weir.controller.ControllerMain",
    "dataplane, dev.weir.dataplane.DataplaneMain"
  })
  void dockerfileIsPinnedNonRootAndStartsTheModulesJar(String module, String mainClass)
      throws Exception {
    Path root = Chart.root();
    List<String> lines = instructions(root.resolve("Dockerfile." + module));

    List<String> froms = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
    assertThat(froms).hasSize(2);
    for (String from : froms) {
      String image = from.split("\\s+")[1];
      // name:tag with a version number in the tag; never latest, never Alpine (musl: no
      // netty-tcnative BoringSSL, no epoll).
      assertThat(image).matches("[a-z0-9./-]+:[0-9][0-9A-Za-z._-]*").doesNotContain("alpine");
    }
    List<String> runtime = lines.subList(lines.indexOf(froms.get(1)), lines.size());

    String user =
        runtime.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
    String uid = user.substring(5).trim().split(":")[0];
    assertThat(uid).matches("[0-9]+");
    assertThat(Integer.parseInt(uid)).isPositive();

    // The module's pom names its jar ${project.artifactId}, weir-<module>, with lib/ beside it.
    String pom = Files.readString(root.resolve(module).resolve("pom.xml"));
    assertThat(pom)
        .contains("<artifactId>weir-" + module + "</artifactId>")
        .contains("<finalName>${project.artifactId}</finalName>")
        .contains("<mainClass>" + mainClass + "</mainClass>")
        .contains("<classpathPrefix>lib/</classpathPrefix>")
        .contains("<outputDirectory>${project.build.directory}/lib</outputDirectory>");
    String jar = "/opt/weir/weir-" + module + ".jar";
    assertThat(runtime)
        .contains(
            "COPY --from=build /src/" + module + "/target/weir-" + module + ".jar " + jar,
            "COPY --from=build /src/" + module + "/target/lib/ /opt/weir/lib/");
    assertThat(lines)
        .anyMatch(l -> l.contains("./mvnw ") && l.contains("-pl " + module + " -am package"));

    String entrypoint =
        runtime.stream().filter(l -> l.startsWith("ENTRYPOINT ")).reduce((a, b) -> b).orElseThrow();
    assertThat(entrypoint)
        .as("exec form")
        .matches("ENTRYPOINT \\[(\\s*\"[^\"]*\"\\s*,)*\\s*\"[^\"]*\"\\s*]");
    List<String> argv = entrypoint(root.resolve("Dockerfile." + module));
    assertThat(argv.getFirst()).isEqualTo("java");
    assertThat(argv.subList(argv.size() - 2, argv.size())).containsExactly("-jar", jar);
    // The image sizes the maximum heap from the container's limit (MaxRAMPercentage) instead of
    // the launcher's fixed -Xmx.
    assertThat(argv)
        .containsAll(jvmFlags(root, module).stream().filter(f -> !f.startsWith("-Xmx")).toList())
        .anyMatch(f -> f.startsWith("-XX:MaxRAMPercentage="));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"controller", "dataplane"})
  void imageHeapForTheChartsMemoryLimitIsTheLaunchersMaximumHeap(String module) throws Exception {
    Path root = Chart.root();
    double percent =
        Double.parseDouble(
            flagValue(entrypoint(root.resolve("Dockerfile." + module)), "-XX:MaxRAMPercentage="));
    Deployment deployment =
        Chart.one(Chart.parse(Chart.render(Map.of())), Deployment.class, "weir-" + module);
    Quantity limit =
        deployment
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getResources()
            .getLimits()
            .get("memory");
    String xmx = flagValue(jvmFlags(root, module), "-Xmx");
    assertThat(xmx).as("launcher -Xmx in MiB").endsWith("m");
    long launcherMiB = Long.parseLong(xmx.substring(0, xmx.length() - 1));
    long imageMiB =
        Math.round(Quantity.getAmountInBytes(limit).doubleValue() * percent / 100 / (1024 * 1024));
    assertThat(imageMiB).isEqualTo(launcherMiB);
  }

  private static List<String> entrypoint(Path dockerfile) throws IOException {
    String line =
        instructions(dockerfile).stream()
            .filter(l -> l.startsWith("ENTRYPOINT "))
            .reduce((a, b) -> b)
            .orElseThrow();
    List<String> argv = new ArrayList<>();
    Matcher word = Pattern.compile("\"([^\"]*)\"").matcher(line);
    while (word.find()) {
      argv.add(word.group(1));
    }
    return argv;
  }

  private static String flagValue(List<String> flags, String prefix) {
    return flags.stream()
        .filter(f -> f.startsWith(prefix))
        .reduce((a, b) -> b)
        .map(f -> f.substring(prefix.length()))
        .orElseThrow(() -> new AssertionError("no " + prefix + " in " + flags));
  }

  /** Instruction lines, with continuations joined and comments dropped. */
  private static List<String> instructions(Path dockerfile) throws IOException {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(dockerfile)) {
      if (line.startsWith("#") || (line.isBlank() && current.isEmpty())) {
        continue;
      }
      String t = line.strip();
      if (t.endsWith("\\")) {
        current.append(t, 0, t.length() - 1).append(' ');
        continue;
      }
      current.append(t);
      out.add(current.toString().replaceAll("\\s+", " ").trim());
      current.setLength(0);
    }
    return out;
  }

  /**
   * What {@code ./weir jvm-flags <module>} prints: the flags the project runs that program with.
   */
  private static List<String> jvmFlags(Path root, String module) throws Exception {
    Process p =
        new ProcessBuilder("bash", root.resolve("weir").toString(), "jvm-flags", module)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return Arrays.asList(out.split("\\s+"));
  }
}
