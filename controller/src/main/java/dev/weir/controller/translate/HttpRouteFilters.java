package dev.weir.controller.translate;

import dev.weir.controller.model.Action;
import dev.weir.controller.model.Cors;
import dev.weir.controller.model.HeaderModifier;
import dev.weir.controller.model.PathRewrite;
import dev.weir.controller.model.Retry;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPCORSFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeader;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathModifier;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestRedirectFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Translates the HTTPRoute filters Weir supports (RequestHeaderModifier, ResponseHeaderModifier,
 * RequestRedirect, URLRewrite and CORS) and the rule's retry policy into model values; an invalid
 * value throws {@link InvalidRule}. RequestMirror needs backend resolution: see {@link
 * HttpRouteBackends}. Stateless.
 */
final class HttpRouteFilters {

  /** Gateway API CORSOrigin: "*", or scheme://host[:port] where host may start with "*.". */
  private static final Pattern ORIGIN =
      Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://(\\*\\.)?[^/?#:*]+(:[0-9]{1,5})?");

  /** The CRD default of HTTPCORSFilter.maxAge, applied here for objects read without defaulting. */
  private static final int DEFAULT_CORS_MAX_AGE = 5;

  /** Retries when a retry block gives no attempts (the spec leaves the count to us). */
  private static final int DEFAULT_RETRIES = 1;

  private HttpRouteFilters() {}

  /** The CORS policy of a {@code CORS} filter. */
  static Cors cors(HTTPCORSFilter f) throws InvalidRule {
    if (f == null) {
      throw new InvalidRule("filter CORS has no cors");
    }
    List<String> origins = strings(f.getAllowOrigins());
    for (String o : origins) {
      if (!o.equals("*") && !ORIGIN.matcher(o).matches()) {
        throw new InvalidRule("cors.allowOrigins: \"" + o + "\" is not an origin");
      }
    }
    int maxAge = f.getMaxAge() == null ? DEFAULT_CORS_MAX_AGE : f.getMaxAge();
    if (maxAge < 0) {
      throw new InvalidRule("cors.maxAge " + maxAge + " is negative");
    }
    return new Cors(
        origins,
        strings(f.getAllowMethods()),
        strings(f.getAllowHeaders()),
        strings(f.getExposeHeaders()),
        Boolean.TRUE.equals(f.getAllowCredentials()),
        maxAge);
  }

  /**
   * The retry policy of a rule. Gateway API counts {@code attempts} as retries after the first try;
   * the snapshot counts every attempt, so one is added.
   */
  static Retry retry(HTTPRouteRetry r) throws InvalidRule {
    if (r == null) {
      return Retry.NONE;
    }
    List<Integer> codes = new ArrayList<>();
    for (Integer c : Objects.requireNonNullElse(r.getCodes(), List.<Integer>of())) {
      if (c == null) {
        continue;
      }
      // Only 5xx are retried by the data plane; the spec lets implementations refuse others.
      if (c < 500 || c > 599) {
        throw new InvalidRule("retry code " + c + " is not supported; use 5xx codes");
      }
      if (!codes.contains(c)) {
        codes.add(c);
      }
    }
    int retries = r.getAttempts() == null ? DEFAULT_RETRIES : r.getAttempts();
    if (retries < 0) {
      throw new InvalidRule("retry.attempts " + retries + " is negative");
    }
    Duration backoff = Duration.ZERO;
    if (r.getBackoff() != null) {
      backoff =
          Durations.parse(r.getBackoff())
              .orElseThrow(
                  () ->
                      new InvalidRule(
                          "retry.backoff \"" + r.getBackoff() + "\" is not a duration like 100ms"));
    }
    return new Retry(codes, retries + 1, backoff);
  }

  private static List<String> strings(List<String> in) {
    return Objects.requireNonNullElse(in, List.<String>of()).stream()
        .filter(Objects::nonNull)
        .toList();
  }

  static HeaderModifier modifier(HTTPHeaderFilter f) {
    if (f == null) {
      return HeaderModifier.NONE;
    }
    return new HeaderModifier(
        headers(f.getSet()),
        headers(f.getAdd()),
        Objects.requireNonNullElse(f.getRemove(), List.<String>of()).stream()
            .filter(Objects::nonNull)
            .map(n -> n.toLowerCase(Locale.ROOT))
            .toList());
  }

  private static List<HeaderModifier.Header> headers(List<HTTPHeader> in) {
    List<HeaderModifier.Header> out = new ArrayList<>();
    for (HTTPHeader h : Objects.requireNonNullElse(in, List.<HTTPHeader>of())) {
      if (h != null && h.getName() != null) {
        out.add(
            new HeaderModifier.Header(h.getName(), Objects.requireNonNullElse(h.getValue(), "")));
      }
    }
    return out;
  }

  static Optional<PathRewrite> path(HTTPPathModifier p) throws InvalidRule {
    if (p == null) {
      return Optional.empty();
    }
    String type = Objects.requireNonNullElse(p.getType(), "");
    return switch (type) {
      case "ReplaceFullPath" ->
          Optional.of(
              new PathRewrite(
                  PathRewrite.Kind.FULL, Objects.requireNonNullElse(p.getReplaceFullPath(), "/")));
      case "ReplacePrefixMatch" ->
          Optional.of(
              new PathRewrite(
                  PathRewrite.Kind.PREFIX,
                  Objects.requireNonNullElse(p.getReplacePrefixMatch(), "/")));
      default -> throw new InvalidRule("path modifier type \"" + type + "\" is not supported");
    };
  }

  static Action.Redirect redirect(HTTPRequestRedirectFilter f) throws InvalidRule {
    if (f == null) {
      throw new InvalidRule("filter RequestRedirect has no requestRedirect");
    }
    String scheme = Objects.requireNonNullElse(f.getScheme(), "");
    if (!scheme.isEmpty() && !scheme.equals("http") && !scheme.equals("https")) {
      throw new InvalidRule("redirect scheme \"" + scheme + "\" is not http or https");
    }
    int status = f.getStatusCode() == null ? 302 : f.getStatusCode();
    if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
      throw new InvalidRule("redirect statusCode " + status + " is not supported");
    }
    int port = f.getPort() == null ? 0 : f.getPort();
    if (port < 0 || port > 65535) {
      throw new InvalidRule("redirect port " + port + " is not within 1..65535");
    }
    return new Action.Redirect(
        scheme, Objects.requireNonNullElse(f.getHostname(), ""), path(f.getPath()), port, status);
  }
}
