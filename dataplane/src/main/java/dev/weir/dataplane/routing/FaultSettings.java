package dev.weir.dataplane.routing;

/**
 * Fault injection for a route (proto {@code FaultInjection}): shares are per million requests.
 * Immutable.
 *
 * @param delayMillis how long a delayed request waits before it is forwarded
 * @param delayPerMillion the share of requests delayed, 0..1000000
 * @param abortStatus the status an aborted request is answered with, 200..599
 * @param abortPerMillion the share of requests aborted, 0..1000000
 */
public record FaultSettings(
    long delayMillis, int delayPerMillion, int abortStatus, int abortPerMillion) {

  /** The denominator of the shares. */
  public static final int MILLION = 1_000_000;

  public FaultSettings {
    if (delayPerMillion < 0 || delayPerMillion > MILLION) {
      throw new IllegalArgumentException("delay share " + delayPerMillion + " is not 0..1000000");
    }
    if (abortPerMillion < 0 || abortPerMillion > MILLION) {
      throw new IllegalArgumentException("abort share " + abortPerMillion + " is not 0..1000000");
    }
    if ((abortStatus != 0 || abortPerMillion > 0) && (abortStatus < 200 || abortStatus > 599)) {
      throw new IllegalArgumentException("abort status " + abortStatus + " is not 200..599");
    }
  }
}
