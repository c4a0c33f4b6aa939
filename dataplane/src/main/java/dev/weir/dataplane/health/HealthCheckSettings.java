package dev.weir.dataplane.health;

import dev.weir.api.config.v1.HealthCheck;
import java.util.List;
import java.util.Objects;

/**
 * A cluster's active health check ({@code Cluster.health_check}) with the snapshot protocol's
 * defaults applied: what is sent, how often, how long to wait and how many results in a row flip an
 * endpoint. Two equal settings mean the running checkers keep running across a snapshot swap; any
 * difference restarts them. Immutable.
 *
 * @param probe what one check does
 * @param intervalMillis between two checks of one endpoint
 * @param timeoutMillis for one check, connect included
 * @param healthyThreshold consecutive successes that make an unhealthy endpoint healthy
 * @param unhealthyThreshold consecutive failures that make a healthy endpoint unhealthy
 */
public record HealthCheckSettings(
    Probe probe,
    long intervalMillis,
    long timeoutMillis,
    int healthyThreshold,
    int unhealthyThreshold) {

  public HealthCheckSettings {
    Objects.requireNonNull(probe, "probe");
    if (intervalMillis < 1 || timeoutMillis < 1 || healthyThreshold < 1 || unhealthyThreshold < 1) {
      throw new IllegalArgumentException("interval, timeout and thresholds must be positive");
    }
  }

  /** What one check sends. */
  public sealed interface Probe {}

  /**
   * An HTTP GET; healthy when the status falls in one of {@code expected}.
   *
   * @param path the request target
   * @param host the Host header, or "" for the endpoint's address
   * @param expected inclusive status ranges
   */
  public record Http(String path, String host, List<StatusRange> expected) implements Probe {
    public Http {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(host, "host");
      expected = List.copyOf(expected);
    }

    /** Whether {@code status} is one of the expected ones. */
    public boolean expects(int status) {
      for (StatusRange r : expected) {
        if (status >= r.start() && status <= r.end()) {
          return true;
        }
      }
      return false;
    }
  }

  /** A TCP connect (and the TLS handshake over a TLS cluster); healthy when it succeeds. */
  public record Tcp() implements Probe {}

  /**
   * {@code grpc.health.v1.Health/Check} for {@code service} ("" = the server as a whole); healthy
   * when the answer is {@code SERVING}.
   */
  public record Grpc(String service) implements Probe {
    public Grpc {
      Objects.requireNonNull(service, "service");
    }
  }

  /** An inclusive range of HTTP status codes. */
  public record StatusRange(int start, int end) {}

  /**
   * The settings of {@code proto}, with the defaults its comments give for each 0 or empty field:
   * interval 5000 ms, timeout 1000 ms, healthy threshold 1, unhealthy threshold 3, path "/",
   * expected statuses 200-399. A check without a kind is a TCP check.
   */
  public static HealthCheckSettings from(HealthCheck proto) {
    Probe probe =
        switch (proto.getKindCase()) {
          case HTTP -> {
            var http = proto.getHttp();
            List<StatusRange> ranges =
                http.getExpectedStatusesList().isEmpty()
                    ? List.of(new StatusRange(200, 399))
                    : http.getExpectedStatusesList().stream()
                        .map(r -> new StatusRange(r.getStart(), r.getEnd()))
                        .toList();
            yield new Http(http.getPath().isEmpty() ? "/" : http.getPath(), http.getHost(), ranges);
          }
          case GRPC -> new Grpc(proto.getGrpc().getService());
          case TCP, KIND_NOT_SET -> new Tcp();
        };
    return new HealthCheckSettings(
        probe,
        orDefault(proto.getIntervalMs(), 5000),
        orDefault(proto.getTimeoutMs(), 1000),
        orDefault(proto.getHealthyThreshold(), 1),
        orDefault(proto.getUnhealthyThreshold(), 3));
  }

  static int orDefault(int value, int fallback) {
    return value == 0 ? fallback : value;
  }
}
