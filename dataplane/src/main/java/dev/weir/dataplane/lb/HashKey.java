package dev.weir.dataplane.lb;

import java.util.Objects;

/**
 * The request property a consistent-hashing cluster hashes (snapshot {@code HashKey}). A request
 * without it is balanced round robin. Immutable values.
 */
public sealed interface HashKey {

  /** No hash key: the cluster does not hash. */
  HashKey NONE = new None();

  /** The cluster does not hash. */
  record None() implements HashKey {}

  /** A request header's value; {@code name} is matched case-insensitively. */
  record Header(String name) implements HashKey {
    public Header {
      Objects.requireNonNull(name, "name");
    }
  }

  /** A request cookie's value (RFC 6265 §5.4). */
  record Cookie(String name) implements HashKey {
    public Cookie {
      Objects.requireNonNull(name, "name");
    }
  }

  /** The downstream client's IP address (the connection's peer). */
  record SourceIp() implements HashKey {}
}
