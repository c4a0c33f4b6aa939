package dev.weir.dataplane.config;

import dev.weir.api.config.v1.ResourceError;
import io.grpc.Status;
import java.util.List;
import java.util.stream.Collectors;

/** How the config client names versions, stream failures and rejections in logs. Stateless. */
final class LogText {

  private LogText() {}

  static String shortVersion(String version) {
    return version.isEmpty() ? "\"\"" : version.substring(0, Math.min(12, version.length()));
  }

  static String describe(Status status) {
    String d = status.getDescription();
    Throwable cause = status.getCause();
    return status.getCode()
        + (d == null ? "" : " " + d)
        + (cause == null ? "" : " (" + cause.getMessage() + ")");
  }

  static String describe(SnapshotRejectedException e) {
    return e.getMessage() + (e.resources().isEmpty() ? "" : " " + describe(e.resources()));
  }

  static String describe(List<ResourceError> resources) {
    return resources.stream()
        .map(r -> r.getKind() + " " + r.getName() + ": " + r.getReason())
        .collect(Collectors.joining("; ", "[", "]"));
  }
}
