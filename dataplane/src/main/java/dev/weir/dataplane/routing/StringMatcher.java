package dev.weir.dataplane.routing;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A compiled {@code StringMatch} of the snapshot: an exact, case-sensitive value or a regular
 * expression that must match the whole value. Regexes are compiled once per snapshot. Immutable;
 * any thread.
 */
public sealed interface StringMatcher {

  /** Whether {@code value} matches; {@code null} (absent) never does. */
  boolean matches(String value);

  /**
   * Compares as is.
   *
   * @param value the expected value
   */
  record Exact(String value) implements StringMatcher {
    public Exact {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean matches(String actual) {
      return value.equals(actual);
    }

    @Override
    public String toString() {
      return "=" + value;
    }
  }

  /**
   * A whole-value regular expression ({@link java.util.regex.Matcher#matches}).
   *
   * @param pattern the compiled expression
   */
  record Regex(Pattern pattern) implements StringMatcher {
    public Regex {
      Objects.requireNonNull(pattern, "pattern");
    }

    @Override
    public boolean matches(String actual) {
      return actual != null && pattern.matcher(actual).matches();
    }

    @Override
    public String toString() {
      return "~" + pattern.pattern();
    }
  }
}
