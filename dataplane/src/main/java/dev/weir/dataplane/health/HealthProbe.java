package dev.weir.dataplane.health;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Promise;

/**
 * The protocol half of one active check, run by {@link ProbeRunner} on a fresh connection that is
 * already open (and past its TLS handshake): sends what the check sends and decides.
 *
 * <p>Implementations are stateless and shared by every checker of a cluster; each call runs on
 * {@code ch}'s event loop. Reference counting: whatever an implementation reads, it releases.
 */
interface HealthProbe {

  /** Whether the check speaks HTTP/2, so that a TLS connection must have negotiated {@code h2}. */
  boolean h2();

  /**
   * Runs the check on {@code ch}: succeeds {@code result} when the endpoint is healthy, fails it
   * with the reason otherwise. {@link ProbeRunner} closes {@code ch} once {@code result} is done,
   * and fails it on timeout.
   */
  void exchange(Channel ch, Promise<Void> result);

  /** A TCP connect (and TLS handshake) that succeeds is enough. */
  HealthProbe TCP =
      new HealthProbe() {
        @Override
        public boolean h2() {
          return false;
        }

        @Override
        public void exchange(Channel ch, Promise<Void> result) {
          result.trySuccess(null);
        }
      };
}
