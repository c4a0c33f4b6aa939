package dev.weir.dataplane.upstream;

/**
 * Why {@link UpstreamPool#open} opened nothing: the cluster's {@code max_connections} are all open.
 * The caller may wait for a slot ({@link ClusterLoad#awaitConnection}). One shared instance, with
 * no stack trace (it is a signal, not a bug); immutable, any thread.
 */
public final class ConnectionLimitException extends RuntimeException {

  /** The one instance. */
  public static final ConnectionLimitException INSTANCE = new ConnectionLimitException();

  private ConnectionLimitException() {
    super("the cluster's max_connections are open", null, false, false);
  }
}
