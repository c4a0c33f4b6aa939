package dev.weir.controller.model;

import java.util.Objects;

/**
 * A condition on one request header or query parameter (Gateway API HTTPRoute matches).
 *
 * @param name the header name (lower case, compared case-insensitively) or the query parameter name
 *     (case-sensitive)
 * @param regex true when {@code value} is a regular expression that must match the whole value
 * @param value the exact value or the regular expression
 */
public record ValueMatch(String name, boolean regex, String value) {
  public ValueMatch {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }
}
