package dev.weir.controller.compile;

import java.time.Duration;
import java.util.Objects;

/**
 * The controller's settings that shape the snapshot: which IngressClasses and GatewayClasses are
 * ours, the listener ports, and the timeouts given to every cluster. Immutable.
 *
 * @param controllerName the value of {@code IngressClass.spec.controller} that selects this
 *     controller, for example {@code "weir.dev/ingress-controller"}
 * @param httpPort the port of the plain-HTTP listener
 * @param httpsPort the port of the HTTPS listener, emitted only when a certificate is usable
 * @param connectTimeout the connect timeout of every cluster
 * @param responseTimeout the response timeout of every cluster
 * @param gatewayControllerName the value of {@code GatewayClass.spec.controllerName} that selects
 *     this controller, for example {@code "weir.dev/gateway-controller"}
 */
public record IngressOptions(
    String controllerName,
    int httpPort,
    int httpsPort,
    Duration connectTimeout,
    Duration responseTimeout,
    String gatewayControllerName) {

  /** The controller name that IngressClasses name to select Weir. */
  public static final String DEFAULT_CONTROLLER_NAME = "weir.dev/ingress-controller";

  /** The controller name that GatewayClasses name to select Weir. */
  public static final String DEFAULT_GATEWAY_CONTROLLER_NAME = "weir.dev/gateway-controller";

  public IngressOptions {
    Objects.requireNonNull(controllerName, "controllerName");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(responseTimeout, "responseTimeout");
    Objects.requireNonNull(gatewayControllerName, "gatewayControllerName");
    if (httpPort < 0 || httpPort > 65535 || httpsPort < 0 || httpsPort > 65535) {
      throw new IllegalArgumentException("ports must be within 0..65535");
    }
  }

  /** Settings with the default Gateway controller name. */
  public IngressOptions(
      String controllerName,
      int httpPort,
      int httpsPort,
      Duration connectTimeout,
      Duration responseTimeout) {
    this(
        controllerName,
        httpPort,
        httpsPort,
        connectTimeout,
        responseTimeout,
        DEFAULT_GATEWAY_CONTROLLER_NAME);
  }

  /** Ports 8080/8443, a 5 s connect timeout and a 60 s response timeout. */
  public static IngressOptions defaults() {
    return new IngressOptions(
        DEFAULT_CONTROLLER_NAME, 8080, 8443, Duration.ofSeconds(5), Duration.ofSeconds(60));
  }
}
