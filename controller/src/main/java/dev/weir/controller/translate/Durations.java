package dev.weir.controller.translate;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Gateway API durations (GEP-2257): one to four {@code <number><unit>} pairs with units h,
 * m, s and ms, numbers of at most five digits, for example "1h30m" or "500ms". Stateless.
 */
final class Durations {

  private static final Pattern WHOLE = Pattern.compile("([0-9]{1,5}(h|m|s|ms)){1,4}");
  private static final Pattern PART = Pattern.compile("([0-9]{1,5})(ms|h|m|s)");

  private Durations() {}

  /** The duration, or empty when {@code text} is not in the GEP-2257 format. */
  static Optional<Duration> parse(String text) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      return Optional.empty();
    }
    Duration d = Duration.ZERO;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      d =
          d.plus(
              switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
              });
    }
    return Optional.of(d);
  }
}
