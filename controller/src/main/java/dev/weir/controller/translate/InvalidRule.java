package dev.weir.controller.translate;

/**
 * An HTTPRoute rule that cannot be served; the message says why. Thrown while translating a rule
 * and caught per rule, so the rule is dropped and its neighbours are kept. Carries no stack trace.
 */
final class InvalidRule extends Exception {
  InvalidRule(String message) {
    super(message, null, false, false);
  }
}
