package dev.weir.dataplane.routing;

/**
 * A request-target reduced to what routing matches on. Immutable.
 *
 * <p>Accepted forms (RFC 9112 §3.2): origin-form ({@code /path?query}) and absolute-form ({@code
 * http://host/path?query}, whose authority replaces Host per §3.2.2). Asterisk-form and
 * authority-form are not proxied and are rejected (400).
 *
 * <p>Normalisation, kept deliberately small so that what we route on is what the upstream sees:
 *
 * <ul>
 *   <li>every character must be an RFC 3986 pchar, {@code "/"} or {@code "?"}, else 400;
 *   <li>percent-encoded unreserved characters are decoded (RFC 3986 §6.2.2.2) and hex digits of
 *       other escapes are upper-cased; everything else stays encoded, in particular {@code %2F}, so
 *       an encoded slash never becomes a path separator; a malformed escape is 400;
 *   <li>dot segments are removed (RFC 3986 §5.2.4), after decoding, so {@code /a/%2e%2e/b} cannot
 *       escape a prefix route;
 *   <li>the query is kept as sent and not used for matching.
 * </ul>
 *
 * @param authority the absolute-form authority, or {@code null} for origin-form
 * @param path the normalised path, starting with {@code "/"}
 * @param query the query without {@code "?"}, or {@code null}
 */
public record RequestTarget(String authority, String path, String query) {

  /** {@code path} plus {@code "?query"}: what the upstream is sent. */
  public String originForm() {
    return query == null ? path : path + '?' + query;
  }

  /**
   * Parses and normalises a request-target.
   *
   * @return the target, or {@code null} when it must be rejected with 400
   */
  public static RequestTarget parse(String uri) {
    if (uri == null || uri.isEmpty()) {
      return null;
    }
    String authority = null;
    String rest = uri;
    if (uri.charAt(0) != '/') {
      int schemeEnd = schemeEnd(uri);
      if (schemeEnd < 0) {
        return null; // asterisk-form, authority-form or garbage
      }
      int authStart = schemeEnd + 3;
      int pathStart = authStart;
      while (pathStart < uri.length()
          && uri.charAt(pathStart) != '/'
          && uri.charAt(pathStart) != '?') {
        pathStart++;
      }
      authority = uri.substring(authStart, pathStart);
      if (authority.isEmpty() || authority.indexOf('@') >= 0) {
        return null; // RFC 9110 §4.2.4: userinfo is not allowed in http(s) URIs
      }
      rest = pathStart == uri.length() ? "/" : uri.substring(pathStart);
      if (rest.charAt(0) == '?') {
        rest = "/" + rest;
      }
    }
    int q = rest.indexOf('?');
    String rawPath = q < 0 ? rest : rest.substring(0, q);
    String query = q < 0 ? null : rest.substring(q + 1);
    if (query != null && !validQuery(query)) {
      return null;
    }
    String decoded = decodeUnreserved(rawPath);
    if (decoded == null) {
      return null;
    }
    return new RequestTarget(authority, removeDotSegments(decoded), query);
  }

  /** Index of "://" after an "http" or "https" scheme (case-insensitive), or -1. */
  private static int schemeEnd(String uri) {
    int sep = uri.indexOf("://");
    if (sep <= 0) {
      return -1;
    }
    String scheme = uri.substring(0, sep);
    return scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https") ? sep : -1;
  }

  private static boolean validQuery(String query) {
    for (int i = 0; i < query.length(); i++) {
      char c = query.charAt(i);
      if (!isPchar(c) && c != '/' && c != '?') {
        return false;
      }
    }
    return true;
  }

  /** Decodes %XX of unreserved characters; null on an invalid character or escape. */
  private static String decodeUnreserved(String path) {
    StringBuilder out = null;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%') {
        if (i + 2 >= path.length()) {
          return null;
        }
        int hi = Character.digit(path.charAt(i + 1), 16);
        int lo = Character.digit(path.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        if (out == null) {
          out = new StringBuilder(path.length()).append(path, 0, i);
        }
        char decoded = (char) (hi << 4 | lo);
        if (isUnreserved(decoded)) {
          out.append(decoded);
        } else {
          out.append('%')
              .append(Character.toUpperCase(path.charAt(i + 1)))
              .append(Character.toUpperCase(path.charAt(i + 2)));
        }
        i += 2;
      } else if (isPchar(c) || c == '/') {
        if (out != null) {
          out.append(c);
        }
      } else {
        return null;
      }
    }
    return out == null ? path : out.toString();
  }

  /** RFC 3986 §5.2.4, for an absolute path; returns the input itself when it has no dots. */
  static String removeDotSegments(String path) {
    if (path.indexOf('.') < 0) {
      return path;
    }
    String[] segments = path.split("/", -1);
    String[] stack = new String[segments.length];
    int depth = 0;
    boolean trailingSlash = false;
    for (int i = 1; i < segments.length; i++) {
      String s = segments[i];
      boolean last = i == segments.length - 1;
      if (s.equals(".")) {
        trailingSlash = last;
      } else if (s.equals("..")) {
        if (depth > 0) {
          depth--;
        }
        trailingSlash = last;
      } else {
        stack[depth++] = s;
        trailingSlash = false;
      }
    }
    StringBuilder out = new StringBuilder(path.length());
    for (int i = 0; i < depth; i++) {
      out.append('/').append(stack[i]);
    }
    if (trailingSlash || out.isEmpty()) {
      out.append('/');
    }
    return out.toString();
  }

  private static boolean isUnreserved(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  /** RFC 3986 pchar, with '%' allowed (escapes are checked separately). */
  private static boolean isPchar(char c) {
    if (isUnreserved(c)) {
      return true;
    }
    return switch (c) {
      case '%', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '@' -> true;
      default -> false;
    };
  }
}
