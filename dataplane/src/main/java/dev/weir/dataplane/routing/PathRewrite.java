package dev.weir.dataplane.routing;

import java.util.Objects;

/**
 * A compiled {@code PathRewrite}, shared by URL rewrites and redirects. Immutable; any thread.
 *
 * <p>Prefix replacement follows the Gateway API's ReplacePrefixMatch: the matched prefix is
 * replaced element-wise, and the result never has a doubled or missing slash. With prefix {@code
 * "/foo"}: replacing with {@code "/"} turns {@code "/foo/bar"} into {@code "/bar"} and {@code
 * "/foo"} into {@code "/"}; replacing with {@code "/xyz"} turns them into {@code "/xyz/bar"} and
 * {@code "/xyz"}.
 */
public sealed interface PathRewrite {

  /**
   * The rewritten path.
   *
   * @param matchedPrefix the route's prefix without trailing slashes ({@code ""} for {@code "/"})
   * @param path the request's normalised path, which that prefix matched
   */
  String apply(String matchedPrefix, String path);

  /**
   * Replaces the whole path.
   *
   * @param path the new path
   */
  record Full(String path) implements PathRewrite {
    public Full {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public String apply(String matchedPrefix, String requestPath) {
      return path;
    }

    @Override
    public String toString() {
      return "full " + path;
    }
  }

  /**
   * Replaces the matched prefix.
   *
   * @param replacement the new prefix
   */
  record Prefix(String replacement) implements PathRewrite {
    public Prefix {
      Objects.requireNonNull(replacement, "replacement");
    }

    @Override
    public String apply(String matchedPrefix, String path) {
      // The prefix matched element-wise, so the rest is "" or starts with "/".
      String rest = path.substring(Math.min(matchedPrefix.length(), path.length()));
      String head = PathMatcher.canonicalPrefix(replacement);
      if (!head.isEmpty() && head.charAt(0) != '/') {
        head = "/" + head;
      }
      String out = head + rest;
      return out.isEmpty() ? "/" : out;
    }

    @Override
    public String toString() {
      return "prefix " + replacement;
    }
  }
}
