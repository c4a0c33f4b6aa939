package dev.weir.controller.model;

import java.util.Comparator;
import java.util.Objects;

/**
 * How a route matches the request path.
 *
 * @param kind exact, element-wise prefix or regular expression
 * @param value the path, starting with "/" (or a regular expression for {@link Kind#REGEX})
 */
public record PathMatch(Kind kind, String value) implements Comparable<PathMatch> {

  /** The match kinds of the snapshot protocol. */
  public enum Kind {
    /** The whole path must equal {@code value}. */
    EXACT,
    /** The path's elements must start with {@code value}'s elements ("/foo" ≠ "/foobar"). */
    PREFIX,
    /** {@code value} is a regular expression that must match the whole path (Gateway API). */
    REGEX
  }

  /**
   * Precedence order: exact before prefix, then longer paths first, then by path string. The first
   * match in this order serves a request, so more specific routes come first.
   */
  private static final Comparator<PathMatch> PRECEDENCE =
      Comparator.comparing(PathMatch::kind)
          .thenComparing(m -> -m.value().length())
          .thenComparing(PathMatch::value);

  public PathMatch {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(value, "value");
  }

  /**
   * The form two matches are compared in for conflicts: a prefix's trailing "/" is ignored (the
   * Ingress spec: "/foo/" and "/foo" match the same requests).
   */
  public PathMatch canonical() {
    if (kind == Kind.PREFIX && value.length() > 1 && value.endsWith("/")) {
      String v = value;
      while (v.length() > 1 && v.endsWith("/")) {
        v = v.substring(0, v.length() - 1);
      }
      return new PathMatch(kind, v);
    }
    return this;
  }

  @Override
  public int compareTo(PathMatch o) {
    return PRECEDENCE.compare(this, o);
  }
}
