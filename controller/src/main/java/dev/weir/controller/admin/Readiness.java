package dev.weir.controller.admin;

import java.util.Objects;

/**
 * Whether this controller replica should receive data-plane traffic, as {@code /readyz} reports it:
 * only the leader, once it has built from fully synced informers, is ready. Immutable.
 *
 * @param ready whether {@code /readyz} answers 200 (else 503)
 * @param reason why, in a few words (for example "standby; the leader is weir-controller-1_ab12")
 */
public record Readiness(boolean ready, String reason) {

  public Readiness {
    Objects.requireNonNull(reason, "reason");
  }
}
