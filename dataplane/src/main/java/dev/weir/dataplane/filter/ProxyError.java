package dev.weir.dataplane.filter;

import java.util.Objects;

/**
 * An error of one exchange, after Pingora's: its kind, which side caused it, and whether retrying
 * is safe (nothing of the request reached an upstream). Immutable.
 *
 * @param kind what went wrong
 * @param source who caused it
 * @param retrySafe whether the request may be sent again elsewhere
 * @param detail one line for logs; never shown to clients, never key material
 */
public record ProxyError(ErrorKind kind, Source source, boolean retrySafe, String detail) {

  public ProxyError {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(detail, "detail");
  }

  /** Which side of the proxy an error comes from. */
  public enum Source {
    DOWNSTREAM,
    UPSTREAM,
    INTERNAL
  }

  /** A downstream (client) error. */
  public static ProxyError downstream(ErrorKind kind, String detail) {
    return new ProxyError(kind, Source.DOWNSTREAM, false, detail);
  }

  /** An upstream error. */
  public static ProxyError upstream(ErrorKind kind, boolean retrySafe, String detail) {
    return new ProxyError(kind, Source.UPSTREAM, retrySafe, detail);
  }
}
