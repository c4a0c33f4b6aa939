package dev.weir.controller.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code TrafficPolicy spec.jwt}: a request needs a bearer token (RFC 6750) valid for one of the
 * providers: signed (HS256, RS256 or ES256) by a key of its JWKS (RFC 7517), from its issuer, for
 * one of its audiences, not expired (RFC 7519 §4.1). A plain Jackson bean.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class JwtSpec {

  @Required
  @Size(min = 1, max = 8)
  public List<Provider> providers = new ArrayList<>();

  /** One token issuer. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Provider {
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @Size(min = 1, max = 63)
    public String name;

    @JsonPropertyDescription("The token's iss claim must equal this.")
    @Required
    @Size(min = 1)
    public String issuer;

    @JsonPropertyDescription("The token's aud claim must hold one of these; empty: any.")
    public List<String> audiences;

    @Required public Jwks jwks;

    @JsonPropertyDescription("Claims copied into request headers for the backend.")
    public List<ClaimToHeader> claimToHeaders;
  }

  /**
   * Where the keys come from: exactly one of uri, secretRef and configMapRef. A JWKS holds public
   * keys, except HS256 ("oct") keys, which are secret: those belong in a Secret, labelled {@code
   * weir.dev/jwks=true} so that the controller watches it.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Jwks {
    @JsonPropertyDescription("An https URL serving the JWKS; fetched off the request path, cached.")
    @Pattern("^https?://.+$")
    public String uri;

    @JsonPropertyDescription(
        "A Secret in the policy's namespace holding the JWKS; it must carry the label"
            + " weir.dev/jwks=true.")
    public KeyRef secretRef;

    @JsonPropertyDescription("A ConfigMap in the policy's namespace holding the JWKS.")
    public KeyRef configMapRef;
  }

  /** A key of a Secret or ConfigMap in the policy's namespace. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class KeyRef {
    /** The key read when {@code key} is unset. */
    public static final String DEFAULT_KEY = "jwks";

    @Required
    @Size(min = 1, max = 253)
    public String name;

    @JsonPropertyDescription("The key holding the JWKS (default jwks).")
    public String key;

    /** The key, {@link #DEFAULT_KEY} when unset. */
    public String keyOrDefault() {
      return key == null || key.isEmpty() ? DEFAULT_KEY : key;
    }
  }

  /** {@code claimToHeaders[]}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ClaimToHeader {
    @Required
    @Size(min = 1)
    public String claim;

    @Required
    @Pattern(Patterns.HEADER_NAME)
    public String header;
  }
}
