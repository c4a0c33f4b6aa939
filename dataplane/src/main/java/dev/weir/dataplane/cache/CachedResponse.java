package dev.weir.dataplane.cache;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;

/**
 * One stored response (RFC 9111 §3): its status, its header fields (without framing and hop-by-hop
 * fields), its body, the request header values its {@code Vary} selected, and what freshness needs.
 * Immutable: the headers are never changed once stored (a refresh makes a new entry).
 *
 * @param status the status code
 * @param headers the stored header fields; not to be changed
 * @param body the body; not to be changed
 * @param vary the request header values the response varies on (lower-case name to value, null
 *     value for absent), in the order of its {@code Vary}
 * @param lifetimeMillis the freshness lifetime
 * @param initialAgeMillis the corrected initial age (RFC 9111 §4.2.3)
 * @param responseTime when the response arrived (epoch ms)
 */
public record CachedResponse(
    int status,
    HttpHeaders headers,
    byte[] body,
    List<Map.Entry<String, String>> vary,
    long lifetimeMillis,
    long initialAgeMillis,
    long responseTime) {

  /** The bytes an entry costs: its body and its header fields, so empty bodies still count. */
  long size() {
    long n = body.length + 64;
    for (Map.Entry<String, String> h : headers) {
      n += h.getKey().length() + h.getValue().length() + 4;
    }
    return n;
  }

  /** The current age in milliseconds (RFC 9111 §4.2.3). */
  public long ageMillis(long now) {
    return initialAgeMillis + Math.max(0, now - responseTime);
  }

  /** Whether the entry is fresh at {@code now} (RFC 9111 §4.2). */
  public boolean fresh(long now) {
    return lifetimeMillis > ageMillis(now);
  }

  /** The strong or weak validator, or null. */
  public String etag() {
    return headers.get(HttpHeaderNames.ETAG);
  }

  /** The Last-Modified value, or null. */
  public String lastModified() {
    return headers.get(HttpHeaderNames.LAST_MODIFIED);
  }

  /** Whether a stale entry can be revalidated (RFC 9111 §4.3.1). */
  public boolean hasValidator() {
    return etag() != null || lastModified() != null;
  }

  /**
   * This entry freshened by a 304 (RFC 9111 §4.3.4): the 304's header fields replace the stored
   * ones of the same name (except framing fields), and freshness restarts from the 304.
   */
  public CachedResponse refreshed(
      HttpHeaders notModified, long requestTime, long responseTime, long defaultTtlSeconds) {
    HttpHeaders merged = new DefaultHttpHeaders().add(headers);
    for (String name : StoredHeaders.names(notModified)) {
      merged.set(name, notModified.getAll(name));
    }
    StoredHeaders.clean(merged, responseTime);
    return new CachedResponse(
        status,
        merged,
        body,
        vary,
        Freshness.lifetimeMillis(
            status, merged, CacheControl.of(merged), defaultTtlSeconds, responseTime),
        Freshness.initialAgeMillis(notModified, requestTime, responseTime),
        responseTime);
  }
}
