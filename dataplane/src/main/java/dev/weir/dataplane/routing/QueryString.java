package dev.weir.dataplane.routing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Parses a query string ({@code a=1&b=x%20y}) into its first value per parameter, for query
 * parameter matches. Stateless.
 *
 * <p>Names and values are percent-decoded as UTF-8 (RFC 3986 §2.1). A {@code "+"} stays a plus: RFC
 * 3986 gives it no meaning, and only HTML form encoding turns it into a space. A malformed escape
 * is kept as written. A parameter without {@code "="} has the empty value.
 */
public final class QueryString {

  private QueryString() {}

  /**
   * The first value of every parameter of {@code query}.
   *
   * @param query the query without {@code "?"}, or {@code null}
   * @return decoded names to decoded first values; empty when there is no query
   */
  public static Map<String, String> parse(String query) {
    if (query == null || query.isEmpty()) {
      return Map.of();
    }
    Map<String, String> out = new HashMap<>();
    int start = 0;
    while (start <= query.length()) {
      int amp = query.indexOf('&', start);
      int end = amp < 0 ? query.length() : amp;
      if (end > start) {
        int eq = query.indexOf('=', start);
        String name;
        String value;
        if (eq < 0 || eq > end) {
          name = decode(query, start, end);
          value = "";
        } else {
          name = decode(query, start, eq);
          value = decode(query, eq + 1, end);
        }
        // Gateway API: when a parameter repeats, its first value is matched.
        out.putIfAbsent(name, value);
      }
      if (amp < 0) {
        break;
      }
      start = amp + 1;
    }
    return out;
  }

  /** Percent-decodes {@code s[from, to)} as UTF-8. */
  static String decode(String s, int from, int to) {
    int pct = s.indexOf('%', from);
    if (pct < 0 || pct >= to) {
      return s.substring(from, to);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < to) {
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi >= 0 && lo >= 0) {
          bytes.write(hi << 4 | lo);
          i += 2;
          continue;
        }
      }
      // The target was checked to hold only ASCII pchars, so a char is one byte.
      bytes.write(c);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
