package dev.weir.dataplane.server;

/**
 * The user event {@link ClientConnections#startDrain} fires down each client connection's pipeline:
 * the protocol's drain handler ({@link Http1DrainHandler} or {@link Http2DrainHandler}) asks the
 * client to go away and closes the connection once its last exchange is done. Immutable.
 */
enum DrainSignal {
  INSTANCE
}
