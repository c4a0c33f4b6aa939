package dev.weir.dataplane.observe;

/**
 * Appends the pieces of an access-log line to a {@link StringBuilder} without allocating: escaped
 * strings, RFC 3339 timestamps and millisecond durations. Stateless; any thread.
 */
final class LogText {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private LogText() {}

  /**
   * Appends {@code s} escaped for a JSON string (RFC 8259 §7), without the quotes. Beyond what JSON
   * requires, every character outside printable ASCII is written as {@code \}{@code uXXXX}, so a
   * line is plain ASCII whatever a client sent: no raw control character or lone surrogate can
   * reach a terminal or a log shipper, and the text format can use the same escaping.
   */
  static void escape(StringBuilder out, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c >= 0x7f) {
            out.append("\\u")
                .append(HEX[c >> 12 & 0xf])
                .append(HEX[c >> 8 & 0xf])
                .append(HEX[c >> 4 & 0xf])
                .append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
        }
      }
    }
  }

  /** Appends {@code epochMillis} as an RFC 3339 UTC timestamp with milliseconds. */
  static void timestamp(StringBuilder out, long epochMillis) {
    long days = Math.floorDiv(epochMillis, 86_400_000L);
    long msOfDay = Math.floorMod(epochMillis, 86_400_000L);
    // Days to a civil date: H. Hinnant, "chrono-Compatible Low-Level Date Algorithms".
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long day = doy - (153 * mp + 2) / 5 + 1;
    long month = mp < 10 ? mp + 3 : mp - 9;
    long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    pad(out, year, 4);
    out.append('-');
    pad(out, month, 2);
    out.append('-');
    pad(out, day, 2);
    out.append('T');
    pad(out, msOfDay / 3_600_000, 2);
    out.append(':');
    pad(out, msOfDay / 60_000 % 60, 2);
    out.append(':');
    pad(out, msOfDay / 1000 % 60, 2);
    out.append('.');
    pad(out, msOfDay % 1000, 3);
    out.append('Z');
  }

  /** Appends {@code nanos} as milliseconds with three decimals (microseconds): {@code 12.345}. */
  static void millis(StringBuilder out, long nanos) {
    long micros = Math.max(0, nanos) / 1000;
    out.append(micros / 1000).append('.');
    pad(out, micros % 1000, 3);
  }

  /** Appends an endpoint as {@code ip:port}, an IPv6 address in brackets (RFC 3986 §3.2.2). */
  static void hostPort(StringBuilder out, String address, int port) {
    boolean v6 = address.indexOf(':') >= 0;
    if (v6) {
      out.append('[');
    }
    escape(out, address);
    if (v6) {
      out.append(']');
    }
    out.append(':').append(port);
  }

  private static void pad(StringBuilder out, long value, int width) {
    for (long limit = 10; width > 1; width--, limit *= 10) {
      if (value < limit) {
        out.append('0');
      }
    }
    out.append(value);
  }
}
