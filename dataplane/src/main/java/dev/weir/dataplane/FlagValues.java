package dev.weir.dataplane;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Parsers for command-line flag values (numbers, ports, sizes, durations), each failing with an
 * {@link IllegalArgumentException} that names the flag and the value it got. Stateless.
 */
final class FlagValues {

  private FlagValues() {}

  /** Bytes, or a number with a k, m or g suffix (powers of 1024). */
  static long size(String flag, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    int shift = v.endsWith("k") ? 10 : v.endsWith("m") ? 20 : v.endsWith("g") ? 30 : 0;
    try {
      long n = Long.parseLong(shift == 0 ? v : v.substring(0, v.length() - 1));
      if (n < 0 || n > (Long.MAX_VALUE >> shift)) {
        throw new NumberFormatException();
      }
      return n << shift;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--" + flag + " must be bytes or a size like 8m, got '" + value + "'", e);
    }
  }

  /** {@link #duration} that must be above zero, or {@code otherwise} when the flag is absent. */
  static Duration positive(String flag, String value, Duration otherwise) {
    if (value == null) {
      return otherwise;
    }
    Duration d = duration(flag, value);
    if (d.isZero()) {
      throw new IllegalArgumentException("--" + flag + " must be above zero, got '" + value + "'");
    }
    return d;
  }

  /** "30s", "500ms", "2m", "1h", or a bare number of seconds; never negative. */
  static Duration duration(String flag, String value) {
    String v = value.trim();
    try {
      Duration d;
      if (v.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      } else if (v.endsWith("s")) {
        d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
      } else if (v.endsWith("m")) {
        d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
      } else if (v.endsWith("h")) {
        d = Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
      } else {
        d = Duration.ofSeconds(Long.parseLong(v));
      }
      if (d.isNegative()) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "--" + flag + " must be a duration like 30s, 500ms or 2m, got '" + value + "'", e);
    }
  }

  /** The number {@code --flag} gives, or {@code otherwise} when it is not given. */
  static long longFlag(Map<String, String> v, String flag, long otherwise) {
    return longValue(flag, v.getOrDefault(flag, Long.toString(otherwise)));
  }

  /** The number {@code --flag} gives, or {@code otherwise} when it is not given. */
  static int intFlag(Map<String, String> v, String flag, int otherwise) {
    return integer(flag, v.getOrDefault(flag, Integer.toString(otherwise)));
  }

  static long longValue(String flag, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + flag + " must be a number, got '" + value + "'", e);
    }
  }

  static String address(String flag, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("--" + flag + " must not be empty");
    }
    return value;
  }

  static int port(String flag, String value) {
    int port = integer(flag, value);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--" + flag + " must be a port 0..65535, got " + value);
    }
    return port;
  }

  static int integer(String flag, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + flag + " must be a number, got '" + value + "'", e);
    }
  }
}
