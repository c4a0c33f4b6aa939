package dev.weir.dataplane.server;

/**
 * The character set of a Host field value (RFC 9110 §7.2: {@code uri-host [ ":" port ]}, with
 * uri-host an IP-literal, IPv4 address or reg-name of RFC 3986 §3.2.2). A value with anything else
 * (whitespace, {@code /}, {@code @}, quotes...) gets 400 (RFC 9112 §3.2), so no backend sees a Host
 * the proxy routed differently. Stateless.
 */
final class HostSyntax {

  private static final boolean[] ALLOWED = new boolean[128];

  static {
    for (char c = 'a'; c <= 'z'; c++) {
      ALLOWED[c] = true;
      ALLOWED[Character.toUpperCase(c)] = true;
    }
    for (char c = '0'; c <= '9'; c++) {
      ALLOWED[c] = true;
    }
    // unreserved, sub-delims, pct-encoded, and the IP-literal and port delimiters.
    for (char c : "-._~!$&'()*+,;=%[]:".toCharArray()) {
      ALLOWED[c] = true;
    }
  }

  private HostSyntax() {}

  /** Whether {@code host} uses only the characters a Host value may hold. */
  static boolean valid(String host) {
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c >= 128 || !ALLOWED[c]) {
        return false;
      }
    }
    return true;
  }
}
