package dev.weir.controller.validate;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks Ingress hosts and paths before they reach the snapshot. The API server validates these
 * too, but local mode reads YAML that no API server has seen, and the data plane must never receive
 * a path or host that it cannot match. Stateless.
 */
public final class HostPathValidator {

  /** An RFC 1123 label: lowercase letters, digits and '-', not starting or ending with '-'. */
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private static final Pattern IPV4 = Pattern.compile("[0-9]+(\\.[0-9]+){3}");

  private HostPathValidator() {}

  /**
   * Checks an Ingress rule host: a lowercase DNS-1123 subdomain, optionally with a leading "*."
   * wildcard label. The Ingress spec forbids IP addresses and ports.
   *
   * @return why the host is invalid, or empty if it is valid
   */
  public static Optional<String> checkHost(String host) {
    if (host == null || host.isEmpty()) {
      return Optional.of("host is empty");
    }
    if (host.length() > 253) {
      return Optional.of("host is longer than 253 characters");
    }
    String rest = host.startsWith("*.") ? host.substring(2) : host;
    if (IPV4.matcher(rest).matches() || rest.contains(":")) {
      return Optional.of("host must be a DNS name, not an IP address or host:port");
    }
    for (String label : rest.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return Optional.of(
            "host must be a lowercase DNS name, optionally prefixed by \"*.\" (label \""
                + printable(label)
                + "\")");
      }
    }
    return Optional.empty();
  }

  /**
   * Checks an HTTP path of a rule: it must start with "/" and use only the characters of an RFC
   * 3986 §3.3 path ({@code pchar} and "/", with well-formed percent-encoding). Dot segments ("."
   * and "..") are refused because no normalized request path contains them, so such a route could
   * never match.
   *
   * @return why the path is invalid, or empty if it is valid
   */
  public static Optional<String> checkPath(String path) {
    if (path == null || path.isEmpty()) {
      return Optional.of("path is empty");
    }
    if (path.charAt(0) != '/') {
      return Optional.of("path \"" + printable(path) + "\" does not start with \"/\"");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%') {
        if (i + 2 >= path.length() || !isHex(path.charAt(i + 1)) || !isHex(path.charAt(i + 2))) {
          return Optional.of(
              "path \"" + printable(path) + "\" has a malformed percent-encoding at " + i);
        }
        i += 2;
      } else if (!isPathChar(c)) {
        return Optional.of(
            "path \"" + printable(path) + "\" contains an invalid character at index " + i);
      }
    }
    for (String segment : path.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return Optional.of("path \"" + printable(path) + "\" contains a dot segment");
      }
    }
    return Optional.empty();
  }

  // RFC 3986 §3.3: pchar = unreserved / pct-encoded / sub-delims / ":" / "@"; plus the "/"
  // separator.
  private static boolean isPathChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** Escapes control and non-ASCII characters so a message stays one readable line. */
  static String printable(String s) {
    String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
    StringBuilder b = new StringBuilder();
    for (char c : cut.toCharArray()) {
      if (c < 0x20 || c > 0x7e) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
