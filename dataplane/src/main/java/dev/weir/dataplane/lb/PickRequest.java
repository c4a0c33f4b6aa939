package dev.weir.dataplane.lb;

/**
 * What one request asks of a {@link LoadBalancer}: the request's hash key, computed once per
 * request by the routing filter (from a header, a cookie or the client address, as the cluster's
 * {@link HashKey} says), or none. Balancers that do not hash ignore it; hashing balancers fall back
 * to round robin without one. Immutable.
 *
 * @param hashed whether the request carried the cluster's hash key
 * @param hash the key's 64-bit hash ({@link KeyHash}); 0 when not {@code hashed}
 */
public record PickRequest(boolean hashed, long hash) {

  /** A request without a hash key; shared, so non-hashing clusters allocate nothing per request. */
  public static final PickRequest NONE = new PickRequest(false, 0);

  /** A request whose hash key hashed to {@code hash}. */
  public static PickRequest ofHash(long hash) {
    return new PickRequest(true, hash);
  }
}
