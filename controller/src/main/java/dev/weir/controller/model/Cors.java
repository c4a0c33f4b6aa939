package dev.weir.controller.model;

import java.util.List;
import java.util.Objects;

/**
 * A route's CORS policy (Gateway API CORS filter, Fetch standard §3.2): the data plane answers
 * preflights itself and adds the response headers to other cross-origin requests.
 *
 * @param allowOrigins exact origins, origins with a wildcard host label, or "*"
 * @param allowMethods methods allowed in preflights; "*" allows any
 * @param allowHeaders request headers allowed in preflights; "*" allows any
 * @param exposeHeaders response headers exposed to the page
 * @param allowCredentials whether credentialed requests are allowed
 * @param maxAgeSeconds Access-Control-Max-Age; 0 leaves the header out
 */
public record Cors(
    List<String> allowOrigins,
    List<String> allowMethods,
    List<String> allowHeaders,
    List<String> exposeHeaders,
    boolean allowCredentials,
    int maxAgeSeconds) {

  /** No CORS policy. */
  public static final Cors NONE = new Cors(List.of(), List.of(), List.of(), List.of(), false, 0);

  public Cors {
    allowOrigins = List.copyOf(Objects.requireNonNull(allowOrigins, "allowOrigins"));
    allowMethods = List.copyOf(Objects.requireNonNull(allowMethods, "allowMethods"));
    allowHeaders = List.copyOf(Objects.requireNonNull(allowHeaders, "allowHeaders"));
    exposeHeaders = List.copyOf(Objects.requireNonNull(exposeHeaders, "exposeHeaders"));
  }
}
