package dev.weir.dataplane.tls;

import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The session ticket keys (RFC 5077; TLS 1.3 resumption PSKs, RFC 8446 §4.6.1) shared by every
 * BoringSSL server context of the data plane, so a ticket issued under one certificate still
 * resumes after a certificate swap. A new key is made every rotation period: it encrypts new
 * tickets, and the previous key is kept one more period to decrypt older ones, so a ticket lives at
 * most two periods.
 *
 * <p>Keys are random, in memory only, never written or logged; {@link #toString()} is redacted.
 * Contexts are held weakly: a context dropped by a snapshot swap is forgotten. The JDK provider has
 * no ticket-key API and keeps its own keys.
 *
 * <p>Thread-safe: contexts register from the applying thread, and rotation runs on this object's
 * own daemon thread; both hold this object's lock.
 */
public final class SessionTicketKeys implements AutoCloseable {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Set<OpenSslSessionContext> contexts =
      Collections.newSetFromMap(new WeakHashMap<>());
  private final ScheduledExecutorService timer;
  private OpenSslSessionTicketKey[] keys = {newKey()};
  private long rotations;

  /** Starts rotating every {@code period} (at least one second). */
  public SessionTicketKeys(Duration period) {
    long millis = Math.max(1_000, period.toMillis());
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "weir-tls-ticket-keys");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleAtFixedRate(this::rotate, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Gives {@code context} the current keys, and every later rotation; no-op for the JDK. */
  public synchronized void register(SslContext context) {
    if (context.sessionContext() instanceof OpenSslSessionContext s) {
      contexts.add(s);
      s.setTicketKeys(keys);
    }
  }

  /** Makes a new encryption key and keeps the previous one for decryption only. */
  public synchronized void rotate() {
    keys = new OpenSslSessionTicketKey[] {newKey(), keys[0]};
    rotations++;
    for (OpenSslSessionContext s : List.copyOf(contexts)) {
      s.setTicketKeys(keys);
    }
  }

  /** How many rotations have happened; for tests and metrics. */
  public synchronized long rotations() {
    return rotations;
  }

  private static OpenSslSessionTicketKey newKey() {
    byte[] name = new byte[OpenSslSessionTicketKey.NAME_SIZE];
    byte[] hmac = new byte[OpenSslSessionTicketKey.HMAC_KEY_SIZE];
    byte[] aes = new byte[OpenSslSessionTicketKey.AES_KEY_SIZE];
    RANDOM.nextBytes(name);
    RANDOM.nextBytes(hmac);
    RANDOM.nextBytes(aes);
    return new OpenSslSessionTicketKey(name, hmac, aes);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  @Override
  public String toString() {
    return "SessionTicketKeys[[redacted]]";
  }
}
