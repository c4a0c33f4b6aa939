package dev.weir.dataplane.cache;

import io.netty.handler.codec.DateFormatter;
import java.util.Date;

/** HTTP-date fields (RFC 9110 §5.6.7) as epoch milliseconds, through Netty's parser. Stateless. */
final class HttpDates {

  private HttpDates() {}

  /** The instant of an HTTP-date (any of the three formats), or {@code invalid}. */
  static long parse(String value, long invalid) {
    Date d = value == null ? null : DateFormatter.parseHttpDate(value);
    return d == null ? invalid : d.getTime();
  }

  /** {@code millis} as an IMF-fixdate. */
  static String format(long millis) {
    return DateFormatter.format(new Date(millis));
  }
}
