package dev.weir.controller.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** {@code TrafficPolicy spec.securityHeaders}: response headers set or removed. A bean. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecurityHeadersSpec {

  /** X-Frame-Options values (RFC 7034). */
  public enum FrameOptions {
    DENY,
    SAMEORIGIN
  }

  @JsonPropertyDescription("Strict-Transport-Security (RFC 6797), on HTTPS responses only.")
  public Hsts hsts;

  @JsonPropertyDescription("X-Content-Type-Options: nosniff.")
  public Boolean contentTypeNosniff;

  @JsonPropertyDescription("X-Frame-Options.")
  public FrameOptions frameOptions;

  @JsonPropertyDescription("Content-Security-Policy value.")
  public String contentSecurityPolicy;

  @JsonPropertyDescription("Remove Server and X-Powered-By from responses.")
  public Boolean removeServerHeader;

  /** {@code securityHeaders.hsts}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Hsts {
    @JsonPropertyDescription("max-age, in seconds.")
    @Required
    @Min(0)
    public Long maxAge;

    public Boolean includeSubDomains;
    public Boolean preload;
  }
}
