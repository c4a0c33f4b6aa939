package dev.weir.dataplane.filter;

import dev.weir.dataplane.lb.HashKey;
import dev.weir.dataplane.lb.KeyHash;
import dev.weir.dataplane.lb.PickRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Reads a request's hash key ({@link HashKey}) once, for the cluster's balancer, and finds cookie
 * values for the filters that need them. Stateless.
 */
final class RequestHashes {

  private RequestHashes() {}

  /**
   * The pick request for {@code key}: the hash of the header's or cookie's value or of the client
   * address, or {@link PickRequest#NONE} when the request lacks it (then the balancer falls back to
   * round robin).
   */
  static PickRequest pick(HashKey key, HttpHeaders headers, String clientIp) {
    String value =
        switch (key) {
          case HashKey.None n -> null;
          case HashKey.Header h -> headers.get(h.name());
          case HashKey.Cookie c -> cookie(headers, c.name());
          case HashKey.SourceIp s -> clientIp;
        };
    return value == null ? PickRequest.NONE : PickRequest.ofHash(KeyHash.of(value));
  }

  /**
   * The value of the request cookie {@code name}, or null. RFC 6265 §4.2.1: a Cookie field is
   * {@code name=value} pairs separated by {@code "; "}; a value may be in double quotes, which are
   * not part of it. Every Cookie field is read (an HTTP/2 client may split them, RFC 9113 §8.2.3).
   */
  static String cookie(HttpHeaders headers, String name) {
    if (!headers.contains(HttpHeaderNames.COOKIE)) {
      return null;
    }
    for (String field : headers.getAll(HttpHeaderNames.COOKIE)) {
      int at = 0;
      while (at < field.length()) {
        int end = field.indexOf(';', at);
        if (end < 0) {
          end = field.length();
        }
        int eq = field.indexOf('=', at);
        if (eq > 0 && eq < end && field.substring(at, eq).trim().equals(name)) {
          String value = field.substring(eq + 1, end).trim();
          boolean quoted = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"");
          return quoted ? value.substring(1, value.length() - 1) : value;
        }
        at = end + 1;
      }
    }
    return null;
  }
}
