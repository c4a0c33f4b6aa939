package dev.weir.controller.model;

import java.util.Objects;

/**
 * How a rewrite or redirect changes the request path (Gateway API HTTPPathModifier).
 *
 * @param kind replace the whole path, or the part the route's prefix match matched
 * @param value the replacement
 */
public record PathRewrite(Kind kind, String value) {

  /** The two path modifier types of the Gateway API. */
  public enum Kind {
    /** ReplaceFullPath. */
    FULL,
    /** ReplacePrefixMatch: only valid on a route with a prefix match. */
    PREFIX
  }

  public PathRewrite {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(value, "value");
  }
}
