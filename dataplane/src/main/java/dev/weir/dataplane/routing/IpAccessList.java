package dev.weir.dataplane.routing;

import java.util.Objects;

/**
 * A route's client IP rule (proto {@code IpAccess}): an address in {@code deny} is refused, and
 * with a non-empty {@code allow} only addresses in it pass. Immutable.
 *
 * @param allow the allowed blocks; empty allows every address not denied
 * @param deny the denied blocks, checked first
 */
public record IpAccessList(CidrSet allow, CidrSet deny) {

  public IpAccessList {
    Objects.requireNonNull(allow, "allow");
    Objects.requireNonNull(deny, "deny");
  }

  /** Whether a client at {@code address} may use the route. */
  public boolean permits(CharSequence address) {
    return !deny.contains(address) && (allow.isEmpty() || allow.contains(address));
  }

  @Override
  public String toString() {
    return "allow=[" + allow + "] deny=[" + deny + "]";
  }
}
