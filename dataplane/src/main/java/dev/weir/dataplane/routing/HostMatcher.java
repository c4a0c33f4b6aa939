package dev.weir.dataplane.routing;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Chooses a value (a virtual host's path matcher) by request host. Compiled once per snapshot;
 * immutable, so any thread may call {@link #match}.
 *
 * <p>Two wildcard forms (see {@code VirtualHost.domains} in the snapshot protocol): {@code
 * "*.suffix"} matches exactly one extra DNS label, as the Ingress spec says ({@code "*.foo.com"}
 * matches {@code "bar.foo.com"} but neither {@code "foo.com"} nor {@code "a.b.foo.com"}); {@code
 * "**.suffix"} matches one or more extra labels, as the Gateway API says ({@code "**.foo.com"}
 * matches {@code "bar.foo.com"} and {@code "a.b.foo.com"}, not {@code "foo.com"}).
 *
 * <p>Precedence: an exact hostname, then the wildcard with the longest suffix (a one-label wildcard
 * before a multi-label one of the same suffix), then the catch-all {@code "*"}. Matching walks the
 * host's dots from the left, so the first suffix found is the longest; it is one hash look-up per
 * label, and only the first label is looked up when no multi-label wildcard exists.
 *
 * @param <T> what a host maps to
 */
public final class HostMatcher<T> {

  private final Map<String, T> exact;
  private final Map<String, T> wildcards;
  private final Map<String, T> multiWildcards;
  private final T catchAll;

  private HostMatcher(
      Map<String, T> exact, Map<String, T> wildcards, Map<String, T> multiWildcards, T catchAll) {
    this.exact = exact;
    this.wildcards = wildcards;
    this.multiWildcards = multiWildcards;
    this.catchAll = catchAll;
  }

  /** A builder; the first value added for a domain wins, like the route table's order. */
  public static <T> Builder<T> builder() {
    return new Builder<>();
  }

  /**
   * The value for {@code host}.
   *
   * @param host a host already passed through {@link #normalizeHost}
   * @return the value, or {@code null} when no domain matches
   */
  public T match(String host) {
    if (host != null) {
      T value = exact.get(host);
      if (value != null) {
        return value;
      }
      int dot = host.indexOf('.');
      // A leading dot would make the "extra label" empty, which is no label at all.
      if (dot > 0 && !wildcards.isEmpty()) {
        value = wildcards.get(host.substring(dot + 1));
        if (value != null) {
          return value;
        }
      }
      if (!multiWildcards.isEmpty()) {
        // Longest suffix first: each further dot drops one more label from the suffix.
        for (; dot > 0; dot = host.indexOf('.', dot + 1)) {
          if (host.charAt(dot - 1) == '.') {
            break; // an empty label: not a DNS name
          }
          value = multiWildcards.get(host.substring(dot + 1));
          if (value != null) {
            return value;
          }
        }
      }
    }
    return catchAll;
  }

  /**
   * Reduces a Host header (or absolute-form authority) to the name matched against domains:
   * lower-case (RFC 9110 §4.2.3: the host is case-insensitive), without the port, and without a
   * trailing dot. An IPv6 literal keeps its brackets ({@code "[::1]"}).
   *
   * @return the host, or {@code null} when the value is empty or malformed
   */
  public static String normalizeHost(String hostHeader) {
    if (hostHeader == null || hostHeader.isEmpty()) {
      return null;
    }
    String host;
    if (hostHeader.charAt(0) == '[') {
      int close = hostHeader.indexOf(']');
      if (close < 0) {
        return null;
      }
      host = hostHeader.substring(0, close + 1);
      if (close + 1 < hostHeader.length() && hostHeader.charAt(close + 1) != ':') {
        return null;
      }
    } else {
      int colon = hostHeader.indexOf(':');
      host = colon < 0 ? hostHeader : hostHeader.substring(0, colon);
      if (host.endsWith(".")) {
        host = host.substring(0, host.length() - 1);
      }
    }
    if (host.isEmpty()) {
      return null;
    }
    return host.toLowerCase(Locale.ROOT);
  }

  /**
   * Collects domains.
   *
   * @param <T> what a host maps to
   */
  public static final class Builder<T> {
    private final Map<String, T> exact = new HashMap<>();
    private final Map<String, T> wildcards = new HashMap<>();
    private final Map<String, T> multiWildcards = new HashMap<>();
    private T catchAll;

    /**
     * Adds {@code domain} (exact, {@code "*.suffix"}, {@code "**.suffix"} or {@code "*"}).
     *
     * @return false when the domain was already taken by an earlier value
     */
    public boolean add(String domain, T value) {
      String d = domain.toLowerCase(Locale.ROOT);
      if (d.equals("*")) {
        if (catchAll != null) {
          return false;
        }
        catchAll = value;
        return true;
      }
      if (d.startsWith("**.")) {
        return multiWildcards.putIfAbsent(d.substring(3), value) == null;
      }
      if (d.startsWith("*.")) {
        return wildcards.putIfAbsent(d.substring(2), value) == null;
      }
      return exact.putIfAbsent(d, value) == null;
    }

    /** The compiled matcher. */
    public HostMatcher<T> build() {
      return new HostMatcher<>(
          Map.copyOf(exact), Map.copyOf(wildcards), Map.copyOf(multiWildcards), catchAll);
    }
  }
}
