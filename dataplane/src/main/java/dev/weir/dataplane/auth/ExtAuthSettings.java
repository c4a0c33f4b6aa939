package dev.weir.dataplane.auth;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A route's compiled external authorization (proto {@code ExternalAuth}). Immutable.
 *
 * @param url the service's base URL (http or https, no query); the request's path is appended
 * @param timeout how long the service may take to answer
 * @param headersToAuth request headers sent to the service (lower case)
 * @param headersToBackend headers of a 2xx answer copied onto the forwarded request (lower case)
 * @param failOpen whether a request passes when the service cannot be reached in time
 */
public record ExtAuthSettings(
    URI url,
    Duration timeout,
    List<String> headersToAuth,
    List<String> headersToBackend,
    boolean failOpen) {

  /** The timeout when none is given. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(200);

  /** Headers sent when none are listed: credentials (the Host goes as X-Forwarded-Host). */
  public static final List<String> DEFAULT_HEADERS_TO_AUTH = List.of("authorization", "cookie");

  public ExtAuthSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(timeout, "timeout");
    headersToAuth = List.copyOf(headersToAuth);
    headersToBackend = List.copyOf(headersToBackend);
  }

  @Override
  public String toString() {
    return "ext-auth " + url + " " + timeout.toMillis() + "ms" + (failOpen ? " fail-open" : "");
  }
}
