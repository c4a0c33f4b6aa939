package dev.weir.controller.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** {@code BackendPolicy spec.healthCheck}: active health checks. A plain Jackson bean. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HealthCheckSpec {

  /** How an endpoint is probed. */
  public enum Type {
    HTTP,
    TCP,
    GRPC
  }

  @JsonPropertyDescription(
      "HTTP (a GET), TCP (a connect) or GRPC (grpc.health.v1.Health/Check, SERVING is healthy).")
  @Required
  public Type type;

  @JsonPropertyDescription("Type HTTP: the request and the statuses that count as healthy.")
  public Http http;

  @JsonPropertyDescription("Type GRPC: the service asked about.")
  public Grpc grpc;

  @JsonPropertyDescription("Between two checks of one endpoint (default 5s).")
  @Pattern(Patterns.DURATION)
  public String interval;

  @JsonPropertyDescription("Per check (default 1s).")
  @Pattern(Patterns.DURATION)
  public String timeout;

  @JsonPropertyDescription("Consecutive successes that make an endpoint healthy (default 1).")
  @Min(1)
  public Integer healthyThreshold;

  @JsonPropertyDescription("Consecutive failures that make an endpoint unhealthy (default 3).")
  @Min(1)
  public Integer unhealthyThreshold;

  /** {@code healthCheck.http}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Http {
    @JsonPropertyDescription("Request path (default /).")
    @Pattern("^/.*$")
    @Size(max = 1024)
    public String path;

    @JsonPropertyDescription("Host header (default: the endpoint's address).")
    @Size(max = 253)
    public String hostname;

    @JsonPropertyDescription(
        "Healthy statuses: codes (\"200\") or ranges (\"200-299\"); default 200-399.")
    @Size(max = 16)
    public List<String> expectedStatuses;
  }

  /** {@code healthCheck.grpc}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Grpc {
    @JsonPropertyDescription("The service name in HealthCheckRequest; unset: the whole server.")
    @Size(max = 256)
    public String service;
  }
}
