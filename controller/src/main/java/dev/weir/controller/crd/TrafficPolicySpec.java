package dev.weir.controller.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * The spec of a {@link TrafficPolicy}. Every block is optional and independent; the data plane runs
 * each as a filter on the request lifecycle. Plain Jackson beans.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrafficPolicySpec {

  @JsonPropertyDescription(
      "Gateways or HTTPRoutes (group gateway.networking.k8s.io); sectionName names a listener or"
          + " a rule.")
  @Required
  @Size(min = 1, max = 16)
  public List<PolicyTargetRef> targetRefs = new ArrayList<>();

  @JsonPropertyDescription("Local token-bucket rate limit; excess requests get 429.")
  public RateLimit rateLimit;

  @JsonPropertyDescription("In-memory response cache (RFC 9111).")
  public Cache cache;

  @JsonPropertyDescription("JWT authentication; a missing or bad token gets 401.")
  public JwtSpec jwt;

  @JsonPropertyDescription("External authorization: each request is first sent to a service.")
  public ExtAuthSpec extAuth;

  @JsonPropertyDescription("Client IP allow and deny lists; deny wins, 403 when refused.")
  public IpAccess ipAccess;

  @JsonPropertyDescription("Security response headers.")
  public SecurityHeadersSpec securityHeaders;

  @JsonPropertyDescription("Response compression.")
  public Compression compression;

  @JsonPropertyDescription("Largest request body in bytes; larger requests get 413.")
  @Min(1)
  public Long requestBodyLimit;

  @JsonPropertyDescription("Answer every request directly, without a backend.")
  public DirectResponse directResponse;

  @JsonPropertyDescription("Delays or aborts a share of requests, for resilience testing.")
  public FaultInjection faultInjection;

  /** The period a rate limit counts over. */
  public enum RateUnit {
    Second,
    Minute,
    Hour
  }

  /** What a rate limit counts separately. */
  public enum RateKey {
    Route,
    ClientIP,
    Header
  }

  /** {@code spec.rateLimit}: a token bucket refilled with {@code requests} per {@code unit}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class RateLimit {
    @Required
    @Min(1)
    public Integer requests;

    @Required public RateUnit unit;

    @JsonPropertyDescription("Bucket size: requests allowed in a burst (default: requests).")
    @Min(1)
    public Integer burst;

    @JsonPropertyDescription("One bucket per Route (default), per ClientIP or per Header value.")
    @Default("Route")
    public RateKey key;

    @JsonPropertyDescription("Key Header: the header's name.")
    @Pattern(Patterns.HEADER_NAME)
    public String header;
  }

  /** {@code spec.cache}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Cache {
    @JsonPropertyDescription("Largest number of cached responses (default 1000).")
    @Min(1)
    public Integer maxEntries;

    @JsonPropertyDescription("Largest cached response body, in bytes (default 1 MiB).")
    @Min(1)
    public Long maxEntryBytes;

    @JsonPropertyDescription("Freshness for responses without explicit freshness; unset: none.")
    @Pattern(Patterns.DURATION)
    public String defaultTtl;
  }

  /** {@code spec.ipAccess}: CIDRs ("10.0.0.0/8", "2001:db8::/32") or single addresses. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class IpAccess {
    @JsonPropertyDescription("When set, only these clients are allowed.")
    @Size(max = 256)
    public List<String> allow;

    @JsonPropertyDescription("These clients are refused, even when allowed.")
    @Size(max = 256)
    public List<String> deny;
  }

  /** {@code spec.compression}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Compression {
    @JsonPropertyDescription("gzip responses when the client accepts it.")
    @Default("true")
    public Boolean gzip;

    @JsonPropertyDescription("Smallest body compressed, in bytes (default 1024).")
    @Min(0)
    public Integer minSize;
  }

  /** {@code spec.directResponse}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class DirectResponse {
    @Required
    @Min(200)
    @Max(599)
    public Integer status;

    @Size(max = 65536)
    public String body;
  }

  /** {@code spec.faultInjection}: at least one of delay and abort. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class FaultInjection {
    public Delay delay;
    public Abort abort;
  }

  /** {@code spec.faultInjection.delay}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Delay {
    @Required
    @Pattern(Patterns.DURATION)
    public String duration;

    @JsonPropertyDescription("Share of requests delayed, 0-100 (default 100).")
    @Min(0)
    @Max(100)
    public Integer percentage;
  }

  /** {@code spec.faultInjection.abort}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Abort {
    @Required
    @Min(200)
    @Max(599)
    public Integer status;

    @JsonPropertyDescription("Share of requests aborted, 0-100 (default 100).")
    @Min(0)
    @Max(100)
    public Integer percentage;
  }
}
