package dev.weir.dataplane.auth;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens that passed verification, by their exact compact text, so a client sending the same token
 * again costs a map lookup instead of a signature check (an RS256 verification is tens of
 * microseconds). An entry is used only until its token's {@code exp} (plus skew) and at most {@link
 * #MAX_AGE_SECONDS} after it was verified, so a key removed from the JWKS stops working soon.
 * Bounded: when full the map is emptied (cheap and safe: only valid tokens are ever stored, so an
 * attacker cannot fill it with garbage). Invalid tokens are never cached.
 *
 * <p>Thread-safe; shared by every event loop of a route.
 */
public final class VerifiedTokens {

  /** How long a verification is reused at most. */
  public static final long MAX_AGE_SECONDS = 60;

  /** Default capacity per route. */
  public static final int DEFAULT_CAPACITY = 4096;

  private record Entry(JwtVerdict.Valid verdict, long untilSeconds) {}

  private final int capacity;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  public VerifiedTokens(int capacity) {
    this.capacity = capacity;
  }

  /**
   * The cached verdict for {@code token}, or null when absent or no longer usable at {@code now}.
   */
  public JwtVerdict.Valid get(String token, long nowSeconds) {
    Entry e = entries.get(token);
    if (e == null) {
      return null;
    }
    if (nowSeconds >= e.untilSeconds()) {
      entries.remove(token, e);
      return null;
    }
    return e.verdict();
  }

  /** Remembers that {@code token} verified as {@code verdict} at {@code nowSeconds}. */
  public void put(String token, JwtVerdict.Valid verdict, long nowSeconds) {
    if (capacity <= 0) {
      return;
    }
    if (entries.size() >= capacity) {
      entries.clear();
    }
    long until = Math.min(verdict.expiresAtSeconds(), nowSeconds + MAX_AGE_SECONDS);
    entries.put(token, new Entry(verdict, until));
  }

  /** The number of cached tokens. */
  public int size() {
    return entries.size();
  }
}
