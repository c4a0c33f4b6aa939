package dev.weir.controller.translate;

/**
 * Recognizes a dotted-quad IPv4 literal: four decimal octets 0-255 without leading zeros ("010" is
 * not one: some parsers read it as octal). Parses by hand rather than with a regular expression
 * because the build checks every endpoint of every EndpointSlice (100,000 and more), and a {@code
 * Matcher} per address was one of its largest allocations. Stateless.
 */
final class Ipv4Literal {

  private Ipv4Literal() {}

  /** Whether {@code s} is a dotted-quad IPv4 literal. */
  static boolean matches(String s) {
    int n = s.length();
    int octets = 0;
    int i = 0;
    while (true) {
      int start = i;
      int value = 0;
      while (i < n && i - start < 3 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        value = value * 10 + (s.charAt(i) - '0');
        i++;
      }
      int digits = i - start;
      if (digits == 0 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
        return false;
      }
      octets++;
      if (octets == 4) {
        return i == n;
      }
      if (i >= n || s.charAt(i) != '.') {
        return false;
      }
      i++;
    }
  }
}
