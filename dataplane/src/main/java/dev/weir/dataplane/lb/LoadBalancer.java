package dev.weir.dataplane.lb;

/**
 * Picks an endpoint of one cluster for each request. Instances are created with a snapshot and
 * replaced whole by the next one; implementations are thread-safe and lock-free, and allocate
 * nothing on {@link #select}.
 *
 * @param <E> the endpoint type
 */
public interface LoadBalancer<E> {

  /**
   * The endpoint for a request.
   *
   * @param request the request's hash key, or {@link PickRequest#NONE}
   * @return an endpoint, or {@code null} when the cluster has none
   */
  E select(PickRequest request);

  /**
   * An endpoint other than {@code previous}, for retrying a failed connect or skipping an endpoint
   * that cannot be used. Calling it again with its own answer walks on through the cluster: the
   * next endpoint in the balancer's order (for consistent hashing, the key's next distinct endpoint
   * on the ring or in the Maglev table), so repeated calls reach every endpoint.
   *
   * @param request the same request as given to {@link #select}
   * @return another endpoint, or {@code null} when there is no other
   */
  E selectOther(E previous, PickRequest request);
}
