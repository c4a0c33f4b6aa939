package dev.weir.dataplane.observe;

import java.util.Locale;

/** The data plane's {@code --access-log} setting: how each finished request is logged. */
public enum AccessLogFormat {
  /** One JSON object per request (the default); see {@code AccessLogLine} for the fields. */
  JSON,
  /** One human line per request, after nginx's "combined" format plus Weir's fields. */
  TEXT,
  /** No access log. */
  OFF;

  /**
   * The format named {@code value} ({@code json}, {@code text} or {@code off}).
   *
   * @throws IllegalArgumentException for any other value
   */
  public static AccessLogFormat parse(String value) {
    return switch (value) {
      case "json" -> JSON;
      case "text" -> TEXT;
      case "off" -> OFF;
      default ->
          throw new IllegalArgumentException(
              "--access-log must be json, text or off, got '" + value + "'");
    };
  }

  /** The flag's spelling: {@code json}, {@code text} or {@code off}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
