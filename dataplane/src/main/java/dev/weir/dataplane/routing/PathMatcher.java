package dev.weir.dataplane.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses a route within a virtual host by path. Immutable once built; any thread may call {@link
 * #match}.
 *
 * <p>Routes arrive in precedence order (first match wins). They are compiled into an exact-path
 * hash map plus prefixes checked longest-first, which gives the same answer as a first-match scan:
 *
 * <ul>
 *   <li>a prefix shadowed by an earlier, shorter prefix that covers it can never win, and is
 *       dropped; among the remaining prefixes that match a path, the longest is the earliest;
 *   <li>each exact path stores the earliest route among itself and every earlier prefix that
 *       matches it.
 * </ul>
 *
 * Prefixes match element-wise: {@code "/foo"} matches {@code "/foo"}, {@code "/foo/"} and {@code
 * "/foo/bar"}, not {@code "/foobar"}; a trailing {@code "/"} in the prefix is ignored, and {@code
 * "/"} matches every path. Matching allocates nothing.
 *
 * @param <T> what a path maps to
 */
public final class PathMatcher<T> {

  private final Map<String, T> exact;
  private final String[] prefixes;
  private final List<T> prefixValues;

  private PathMatcher(Map<String, T> exact, String[] prefixes, List<T> prefixValues) {
    this.exact = exact;
    this.prefixes = prefixes;
    this.prefixValues = prefixValues;
  }

  /** A builder taking routes in precedence order. */
  public static <T> Builder<T> builder() {
    return new Builder<>();
  }

  /**
   * The value of the first route matching {@code path}.
   *
   * @param path a normalised path without query ({@link RequestTarget#path()})
   * @return the value, or {@code null} when no route matches
   */
  public T match(String path) {
    T value = exact.get(path);
    if (value != null) {
      return value;
    }
    for (int i = 0; i < prefixes.length; i++) {
      if (prefixMatches(prefixes[i], path)) {
        return prefixValues.get(i);
      }
    }
    return null;
  }

  /** Element-wise prefix match; {@code prefix} is stored without its trailing slash. */
  static boolean prefixMatches(String prefix, String path) {
    return path.startsWith(prefix)
        && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
  }

  /** Strips the trailing slashes of a prefix; {@code "/"} becomes {@code ""}, matching all. */
  static String canonicalPrefix(String value) {
    int end = value.length();
    while (end > 0 && value.charAt(end - 1) == '/') {
      end--;
    }
    return value.substring(0, end);
  }

  /**
   * Collects routes in precedence order.
   *
   * @param <T> what a path maps to
   */
  public static final class Builder<T> {
    private record Entry<T>(boolean exact, String value, T target, int order) {}

    private final List<Entry<T>> entries = new ArrayList<>();

    /** Adds an exact-path route. */
    public Builder<T> exact(String path, T target) {
      entries.add(new Entry<>(true, path, target, entries.size()));
      return this;
    }

    /** Adds a prefix route. */
    public Builder<T> prefix(String prefix, T target) {
      entries.add(new Entry<>(false, canonicalPrefix(prefix), target, entries.size()));
      return this;
    }

    /** The compiled matcher. */
    public PathMatcher<T> build() {
      List<Entry<T>> live = new ArrayList<>();
      for (Entry<T> e : entries) {
        if (e.exact()) {
          continue;
        }
        boolean shadowed = false;
        for (Entry<T> earlier : live) {
          if (prefixMatches(earlier.value(), e.value())) {
            shadowed = true;
            break;
          }
        }
        if (!shadowed) {
          live.add(e);
        }
      }
      Map<String, T> exact = new HashMap<>();
      for (Entry<T> e : entries) {
        if (!e.exact() || exact.containsKey(e.value())) {
          continue;
        }
        T winner = e.target();
        for (Entry<T> p : live) {
          if (p.order() < e.order() && prefixMatches(p.value(), e.value())) {
            winner = p.target();
            break;
          }
        }
        exact.put(e.value(), winner);
      }
      live.sort(Comparator.comparingInt((Entry<T> e) -> e.value().length()).reversed());
      String[] prefixes = new String[live.size()];
      List<T> values = new ArrayList<>(live.size());
      for (int i = 0; i < prefixes.length; i++) {
        prefixes[i] = live.get(i).value();
        values.add(live.get(i).target());
      }
      return new PathMatcher<>(Map.copyOf(exact), prefixes, List.copyOf(values));
    }
  }
}
