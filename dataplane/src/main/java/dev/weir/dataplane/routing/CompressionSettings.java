package dev.weir.dataplane.routing;

import java.util.Locale;
import java.util.Set;

/**
 * gzip of a route's responses (proto {@code Compression}). Immutable.
 *
 * @param minBytes the smallest body compressed, when its Content-Length is known
 * @param contentTypes media types compressed ({@code type/subtype}, lower case); {@code "text/*"}
 *     stands for every text type
 */
public record CompressionSettings(long minBytes, Set<String> contentTypes) {

  /** The proto's default for {@code min_bytes} (0 = 1024). */
  public static final long DEFAULT_MIN_BYTES = 1024;

  /** The proto's default media types. */
  public static final Set<String> DEFAULT_TYPES =
      Set.of(
          "text/*",
          "application/json",
          "application/javascript",
          "application/xml",
          "image/svg+xml");

  public CompressionSettings {
    contentTypes = Set.copyOf(contentTypes);
  }

  /** Whether a response with this Content-Type value (parameters allowed) is compressed. */
  public boolean compresses(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String type =
        (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    return contentTypes.contains(type)
        || (type.startsWith("text/") && contentTypes.contains("text/*"));
  }
}
