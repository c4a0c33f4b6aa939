package dev.weir.dataplane.filter;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;

/**
 * RFC 6750 bearer tokens: reading one from {@code Authorization} (§2.1) and the 401 challenges
 * (§3). Stateless.
 */
final class BearerToken {

  private static final String SCHEME = "bearer";
  private static final byte[] BODY = "401 Unauthorized\n".getBytes(StandardCharsets.US_ASCII);

  private BearerToken() {}

  /**
   * The token of an {@code Authorization: Bearer TOKEN} header, or null when the request has no
   * Authorization header or one of another scheme (RFC 9110 §11.1: the scheme is case-insensitive).
   * A Bearer header without a token yields "" (an invalid token).
   */
  static String from(HttpHeaders headers) {
    String value = headers.get(HttpHeaderNames.AUTHORIZATION);
    if (value == null) {
      return null;
    }
    String v = value.strip();
    if (!v.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return null;
    }
    if (v.length() == SCHEME.length()) {
      return "";
    }
    if (v.charAt(SCHEME.length()) != ' ') {
      return null;
    }
    return v.substring(SCHEME.length() + 1).strip();
  }

  /** RFC 6750 §3.1: a request without credentials gets a challenge without an error code. */
  static RequestContext.Answer missing() {
    return challenge("Bearer realm=\"weir\"");
  }

  /**
   * RFC 6750 §3.1 {@code invalid_token}. {@code description} is one of the filter's fixed texts
   * (never token content), so it needs no quoting beyond the surrounding quotes.
   */
  static RequestContext.Answer invalid(String description) {
    return challenge(
        "Bearer realm=\"weir\", error=\"invalid_token\", error_description=\""
            + description
            + "\"");
  }

  private static RequestContext.Answer challenge(String value) {
    HttpHeaders headers =
        new DefaultHttpHeaders()
            .set(HttpHeaderNames.WWW_AUTHENTICATE, value)
            .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8");
    return new RequestContext.Answer.Reply(401, headers, BODY);
  }
}
