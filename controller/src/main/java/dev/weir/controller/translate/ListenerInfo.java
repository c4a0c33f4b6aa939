package dev.weir.controller.translate;

import dev.weir.controller.model.GatewayApiStatus.Condition;
import dev.weir.controller.model.TlsBundle;
import java.util.List;
import java.util.Optional;

/**
 * What {@link GatewayTranslator} found about one Gateway listener, for route attachment and status.
 *
 * @param gateway the Gateway
 * @param name the listener's name
 * @param port its port
 * @param tls true for HTTPS
 * @param hostname its hostname, or empty for any
 * @param attachable routes may attach (supported protocol and port)
 * @param programmable it goes into snapshots (attachable, not conflicted, certificates resolved)
 * @param from allowedRoutes.namespaces.from: "Same", "All" or "Selector"
 * @param selector for "Selector": the valid selector, or empty when it is missing or invalid (no
 *     namespace is then allowed)
 * @param kinds the route kinds it accepts (empty, or some of ["HTTPRoute", "GRPCRoute"])
 * @param certificates HTTPS only: the validated certificates
 * @param conditions Accepted, Conflicted, ResolvedRefs and Programmed
 */
record ListenerInfo(
    ObjectRef gateway,
    String name,
    int port,
    boolean tls,
    Optional<String> hostname,
    boolean attachable,
    boolean programmable,
    String from,
    Optional<NamespaceSelector> selector,
    List<String> kinds,
    List<TlsBundle> certificates,
    List<Condition> conditions) {

  /** This listener on a Gateway that is not accepted: no route may attach, nothing is served. */
  ListenerInfo unserved() {
    return new ListenerInfo(
        gateway,
        name,
        port,
        tls,
        hostname,
        false,
        false,
        from,
        selector,
        kinds,
        certificates,
        conditions);
  }
}
