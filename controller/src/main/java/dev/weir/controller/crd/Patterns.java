package dev.weir.controller.crd;

/** Schema patterns shared by the CRD classes; compile-time constants for annotations. */
final class Patterns {

  /** A Gateway API duration (GEP-2257): "5s", "250ms", "1h30m". */
  static final String DURATION = "^([0-9]{1,5}(h|m|s|ms)){1,4}$";

  /** An HTTP header name (RFC 9110 §5.1 token). */
  static final String HEADER_NAME = "^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$";

  private Patterns() {}
}
