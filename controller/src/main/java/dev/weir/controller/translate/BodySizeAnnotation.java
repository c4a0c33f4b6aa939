package dev.weir.controller.translate;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads an Ingress's {@value #NAME} annotation: the largest request body its routes accept, which
 * the data plane enforces with 413 (RFC 9110 §15.5.14). The value is a byte count, or a number with
 * a {@code k}, {@code m} or {@code g} suffix (powers of 1024, either case): {@code 8m}, {@code 1g}.
 * An invalid value is an {@code InvalidAnnotation} problem on the Ingress, and its routes keep the
 * data plane's default. Stateless.
 */
final class BodySizeAnnotation {

  /** The annotation's name. */
  static final String NAME = "weir.dev/max-request-body";

  private BodySizeAnnotation() {}

  /**
   * The limit {@code ingress} asks for.
   *
   * @return bytes, or 0 when the annotation is absent or invalid (then {@code problems} says why)
   */
  static long read(Ingress ingress, ObjectRef source, List<Problem> problems) {
    Map<String, String> annotations =
        ingress.getMetadata() == null ? null : ingress.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(NAME);
    if (value == null) {
      return 0;
    }
    long bytes = parse(value);
    if (bytes <= 0) {
      problems.add(
          new Problem(
              source,
              "Accepted",
              "InvalidAnnotation",
              "metadata.annotations["
                  + NAME
                  + "]: '"
                  + value
                  + "' is not a positive size like 1048576, 512k, 8m or 1g"));
      return 0;
    }
    return bytes;
  }

  /** The size {@code value} names, or -1 if it names none. */
  static long parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    int shift = v.endsWith("k") ? 10 : v.endsWith("m") ? 20 : v.endsWith("g") ? 30 : 0;
    String digits = shift == 0 ? v : v.substring(0, v.length() - 1);
    if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    long n = Long.parseLong(digits);
    return n > (Long.MAX_VALUE >> shift) ? -1 : n << shift;
  }
}
