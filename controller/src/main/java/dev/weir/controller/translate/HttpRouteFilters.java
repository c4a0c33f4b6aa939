package dev.weir.controller.translate;

import dev.weir.controller.model.Action;
import dev.weir.controller.model.HeaderModifier;
import dev.weir.controller.model.PathRewrite;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeader;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathModifier;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestRedirectFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Translates the HTTPRoute filters Weir supports (RequestHeaderModifier, ResponseHeaderModifier,
 * RequestRedirect and the path part of URLRewrite) into model values; an invalid value throws
 * {@link InvalidRule}. Stateless.
 */
final class HttpRouteFilters {

  private HttpRouteFilters() {}

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
