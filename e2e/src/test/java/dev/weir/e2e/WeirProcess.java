package dev.weir.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Weir program (controller or data plane) running as a separate JVM, started from the jar that
 * the build put in the module's {@code target/}. Its stdout and stderr go to a log file, from which
 * the ports it bound are read. Not thread-safe: owned by one test.
 */
final class WeirProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("(\\w+) listening on ([^\\s:]+):(\\d+)");

  private final String name;
  private final List<String> command;
  private final Path log;
  private Process process;

  private WeirProcess(String name, List<String> command, Path log) {
    this.name = name;
    this.command = List.copyOf(command);
    this.log = log;
  }

  /** Starts the controller with {@code args}. */
  static WeirProcess controller(Path logDir, String... args) {
    return start("controller", "controller/" + target() + "/weir-controller.jar", logDir, args);
  }

  /** Starts a data plane with {@code args}. */
  static WeirProcess dataplane(Path logDir, String... args) {
    return start("dataplane", "dataplane/" + target() + "/weir-dataplane.jar", logDir, args);
  }

  /** The build's output folder name ({@code -Dweir.target}, passed on by surefire). */
  static String target() {
    return System.getProperty("weir.target", "target");
  }

  private static WeirProcess start(String name, String jar, Path logDir, String... args) {
    Path root = Path.of(System.getProperty("user.dir")).getParent();
    Path jarPath = root.resolve(jar);
    if (!Files.exists(jarPath)) {
      throw new IllegalStateException(jarPath + " is missing: run the build's package phase first");
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    if (Runtime.version().feature() >= 23) {
      // JEP 471: Netty uses sun.misc.Unsafe only when allowed (as ./weir runs the programs).
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    // Leak reports are checked when the scenario ends (WeirStack#close).
    command.add("-Dio.netty.leakDetection.level=paranoid");
    command.add("-jar");
    command.add(jarPath.toString());
    command.addAll(List.of(args));
    WeirProcess p = new WeirProcess(name, command, logDir.resolve(name + ".log"));
    p.start();
    return p;
  }

  /** Starts (or starts again) the process, appending to the same log. */
  void start() {
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(log, "=== start " + command + "\n", openOptions());
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name, e);
    }
  }

  private static java.nio.file.OpenOption[] openOptions() {
    return new java.nio.file.OpenOption[] {
      java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND
    };
  }

  /**
   * The port the process logged as {@code "<what> listening on HOST:PORT"} since its last start,
   * waiting for it.
   */
  int port(String what) {
    int[] found = {-1};
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .failFast("the " + name + " exited; see " + log, () -> !process.isAlive())
        .until(
            () -> {
              String text = Files.readString(log);
              int lastStart = text.lastIndexOf("=== start ");
              Matcher m = LISTENING.matcher(text.substring(Math.max(lastStart, 0)));
              while (m.find()) {
                if (m.group(1).equals(what)) {
                  found[0] = Integer.parseInt(m.group(3));
                  return true;
                }
              }
              return false;
            });
    return found[0];
  }

  /** Everything the process has printed so far. */
  String output() throws IOException {
    return Files.readString(log);
  }

  @Override
  public String toString() {
    return name + " (" + log + ")";
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Sends SIGTERM (what the kubelet sends first) and returns at once. */
  void terminate() {
    process.destroy();
  }

  /** The process's exit code, waiting at most {@code timeout}; -1 if it still runs. */
  int awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        ? process.exitValue()
        : -1;
  }

  /** Stops the process abruptly (SIGKILL), as a crash would. */
  void kill() {
    process.destroyForcibly();
    waitFor();
  }

  /** Asks the process to stop (SIGTERM) and waits for it; kills it if it takes too long. */
  @Override
  public void close() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    waitFor();
  }

  private void waitFor() {
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
