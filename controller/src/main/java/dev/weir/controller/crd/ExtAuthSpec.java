package dev.weir.controller.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.List;

/**
 * {@code TrafficPolicy spec.extAuth}: each request's head is first sent to an authorization
 * service; a 2xx answer lets it through, any other answer is returned to the client. A plain
 * Jackson bean.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExtAuthSpec {

  @Required public Http http;

  /** {@code extAuth.http}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Http {
    @JsonPropertyDescription("The authorization service's URL.")
    @Required
    @Pattern("^https?://.+$")
    public String url;

    @JsonPropertyDescription("Per check (default 1s); a timeout refuses the request (403).")
    @Pattern(Patterns.DURATION)
    public String timeout;

    @JsonPropertyDescription("Headers of the service's 2xx answer copied to the request.")
    public List<String> headersToBackend;
  }
}
