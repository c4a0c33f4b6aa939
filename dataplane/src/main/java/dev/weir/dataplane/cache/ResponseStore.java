package dev.weir.dataplane.cache;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One route's stored responses: per URI the variants its {@code Vary} selected, bounded by {@code
 * maxBytes} in all (bodies and header fields), least recently used URIs evicted first; an entry
 * over {@code maxEntryBytes} is never stored.
 *
 * <p>Thread-safe: shared by every event loop; each call holds the store's lock for a map operation
 * only (entries are immutable, read outside it).
 */
public final class ResponseStore {

  private final long maxBytes;
  private final long maxEntryBytes;
  // Access order: iteration starts at the least recently used URI.
  private final LinkedHashMap<String, List<CachedResponse>> entries =
      new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;
  private volatile long lastUsed;

  public ResponseStore(long maxBytes, long maxEntryBytes) {
    this.maxBytes = maxBytes;
    this.maxEntryBytes = maxEntryBytes;
  }

  /** The largest body stored. */
  public long maxEntryBytes() {
    return maxEntryBytes;
  }

  /** The stored variant of {@code uri} that {@code request} selects, or null. */
  public synchronized CachedResponse lookup(String uri, HttpHeaders request) {
    List<CachedResponse> variants = entries.get(uri);
    if (variants != null) {
      for (CachedResponse r : variants) {
        if (CachePolicy.matches(r, request)) {
          return r;
        }
      }
    }
    return null;
  }

  /**
   * Stores {@code response} for {@code uri}, replacing the variant with the same selected values,
   * then evicts least recently used URIs until the store fits.
   *
   * @return whether it was stored (false when it alone is over {@code maxEntryBytes})
   */
  public synchronized boolean put(String uri, CachedResponse response) {
    long size = response.size();
    if (response.body().length > maxEntryBytes || size > maxBytes) {
      return false;
    }
    List<CachedResponse> variants = entries.computeIfAbsent(uri, u -> new ArrayList<>(1));
    for (Iterator<CachedResponse> it = variants.iterator(); it.hasNext(); ) {
      CachedResponse old = it.next();
      if (old.vary().equals(response.vary())) {
        bytes -= old.size();
        it.remove();
      }
    }
    variants.add(response);
    bytes += size;
    for (Iterator<Map.Entry<String, List<CachedResponse>>> it = entries.entrySet().iterator();
        bytes > maxBytes && it.hasNext(); ) {
      Map.Entry<String, List<CachedResponse>> eldest = it.next();
      if (eldest.getValue() != variants) {
        eldest.getValue().forEach(r -> bytes -= r.size());
        it.remove();
      }
    }
    return true;
  }

  /** Drops every variant of {@code uri} (RFC 9111 §4.4). */
  public synchronized void invalidate(String uri) {
    List<CachedResponse> variants = entries.remove(uri);
    if (variants != null) {
      variants.forEach(r -> bytes -= r.size());
    }
  }

  /** The bytes held now. */
  public synchronized long bytes() {
    return bytes;
  }

  /** The number of URIs held now. */
  public synchronized int size() {
    return entries.size();
  }

  /** Records a use at {@code now} (any clock), for dropping stores nobody uses. */
  public void touch(long now) {
    lastUsed = now;
  }

  /** When the store was last used, on the clock given to {@link #touch}. */
  public long lastUsed() {
    return lastUsed;
  }
}
