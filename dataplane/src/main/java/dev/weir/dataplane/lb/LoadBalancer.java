package dev.weir.dataplane.lb;

/**
 * Picks an endpoint of one cluster for each request. Instances are created with a snapshot and
 * replaced whole by the next one; implementations are thread-safe and lock-free.
 *
 * @param <E> the endpoint type
 */
public interface LoadBalancer<E> {

  /**
   * The next endpoint.
   *
   * @return an endpoint, or {@code null} when the cluster has none
   */
  E select();

  /**
   * An endpoint other than {@code previous}, for retrying a failed connect.
   *
   * @return another endpoint, or {@code null} when there is no other
   */
  E selectOther(E previous);
}
