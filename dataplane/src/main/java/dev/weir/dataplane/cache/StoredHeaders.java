package dev.weir.dataplane.cache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The header fields a cache keeps of a response (RFC 9111 §3.1). Stateless. */
final class StoredHeaders {

  /** RFC 9211's field, never stored: each answer gets its own. */
  static final AsciiString CACHE_STATUS = AsciiString.cached("cache-status");

  private StoredHeaders() {}

  /** The distinct field names of {@code h}, lower case. */
  static Set<String> names(HttpHeaders h) {
    Set<String> names = new LinkedHashSet<>();
    for (Map.Entry<String, String> e : h) {
      String n = e.getKey().toLowerCase(Locale.ROOT);
      if (!n.equals("content-length") && !n.equals("transfer-encoding")) {
        names.add(n);
      }
    }
    return names;
  }

  /**
   * Removes framing, connection-specific (RFC 9111 §3.1) and per-answer fields, and adds a Date
   * when the response had none (RFC 9110 §6.6.1).
   */
  static HttpHeaders clean(HttpHeaders h, long responseTime) {
    String connection = h.get(HttpHeaderNames.CONNECTION);
    if (connection != null) {
      for (String name : connection.split(",")) {
        h.remove(name.trim());
      }
    }
    h.remove(HttpHeaderNames.CONNECTION)
        .remove(HttpHeaderNames.KEEP_ALIVE)
        .remove("proxy-connection")
        .remove(HttpHeaderNames.TRANSFER_ENCODING)
        .remove(HttpHeaderNames.CONTENT_LENGTH)
        .remove(HttpHeaderNames.TRAILER)
        .remove(HttpHeaderNames.UPGRADE)
        .remove(HttpHeaderNames.AGE)
        .remove(CACHE_STATUS);
    if (!h.contains(HttpHeaderNames.DATE)) {
      h.set(HttpHeaderNames.DATE, HttpDates.format(responseTime));
    }
    return h;
  }
}
