package dev.weir.controller.translate;

import dev.weir.controller.compile.IngressOptions;
import dev.weir.controller.model.GatewayApiStatus.Condition;
import dev.weir.controller.model.TlsBundle;
import dev.weir.controller.validate.HostPathValidator;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SecretObjectReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Validates the listeners of one Gateway of Weir's classes (Gateway API v1, standard channel):
 *
 * <ul>
 *   <li>protocol HTTP, or HTTPS with TLS mode Terminate; anything else is not accepted ({@code
 *       UnsupportedProtocol}); a port outside 1..65535 is {@code PortUnavailable};
 *   <li>HTTPS certificateRefs must name {@code kubernetes.io/tls} Secrets, in another namespace
 *       only with a ReferenceGrant ({@code InvalidCertificateRef}, {@code RefNotPermitted});
 *   <li>{@code allowedRoutes.kinds} may only name HTTPRoute and GRPCRoute ({@code
 *       InvalidRouteKinds}); without it, both are allowed;
 *   <li>{@code allowedRoutes.namespaces.from: Selector} needs a valid label selector (see {@link
 *       NamespaceSelector}); without one no route attaches and the Gateway gets a problem;
 *   <li>two listeners on one port with different protocols are {@code ProtocolConflict}, with the
 *       same hostname {@code HostnameConflict}; so is a listener whose port is one of the Ingress
 *       listener ports with the other protocol (they share the pod's sockets).
 * </ul>
 *
 * <p>One instance serves one build: not thread-safe.
 */
final class GatewayTranslator {

  static final String HTTP_ROUTE = "HTTPRoute";

  static final String GRPC_ROUTE = "GRPCRoute";

  /** The route kinds an HTTP or HTTPS listener supports, and its default supportedKinds. */
  static final List<String> ROUTE_KINDS = List.of(HTTP_ROUTE, GRPC_ROUTE);

  private final IngressOptions options;
  private final ReferenceGrants grants;
  private final TlsResolver certificates;

  GatewayTranslator(IngressOptions options, ReferenceGrants grants, TlsResolver certificates) {
    this.options = options;
    this.grants = grants;
    this.certificates = certificates;
  }

  /** The listeners of {@code gateway}, in spec order. */
  List<ListenerInfo> listeners(Gateway gateway, List<Problem> problems) {
    ObjectRef ref = Ingresses.ref("Gateway", gateway);
    List<Listener> spec =
        gateway.getSpec() == null || gateway.getSpec().getListeners() == null
            ? List.of()
            : gateway.getSpec().getListeners();
    // Conflicts: per port, the protocols and hostnames in use.
    Map<Integer, List<Listener>> byPort = new HashMap<>();
    for (Listener l : spec) {
      if (l != null && l.getPort() != null) {
        byPort.computeIfAbsent(l.getPort(), p -> new ArrayList<>()).add(l);
      }
    }
    List<ListenerInfo> out = new ArrayList<>();
    for (Listener l : spec) {
      if (l != null) {
        out.add(listener(ref, l, byPort.getOrDefault(l.getPort(), List.of()), problems));
      }
    }
    return out;
  }

  private ListenerInfo listener(
      ObjectRef gw, Listener l, List<Listener> samePort, List<Problem> problems) {
    String name = Objects.requireNonNullElse(l.getName(), "");
    int port = l.getPort() == null ? 0 : l.getPort();
    String protocol = Objects.requireNonNullElse(l.getProtocol(), "");
    String field = "listener " + name;
    boolean tls = protocol.equals("HTTPS");
    String acceptedReason = "Accepted";
    String acceptedMessage = "listener accepted";
    if (!protocol.equals("HTTP") && !protocol.equals("HTTPS")) {
      acceptedReason = "UnsupportedProtocol";
      acceptedMessage = "protocol " + protocol + " is not supported; use HTTP or HTTPS";
    } else if (tls
        && l.getTls() != null
        && l.getTls().getMode() != null
        && !l.getTls().getMode().equals("Terminate")) {
      acceptedReason = "UnsupportedProtocol";
      acceptedMessage = "TLS mode " + l.getTls().getMode() + " is not supported; use Terminate";
    } else if (port < 1 || port > 65535) {
      acceptedReason = "PortUnavailable";
      acceptedMessage = "port " + port + " is not within 1..65535";
    }
    Optional<String> hostname =
        l.getHostname() == null || l.getHostname().isEmpty()
            ? Optional.empty()
            : Optional.of(l.getHostname());
    if (acceptedReason.equals("Accepted") && hostname.isPresent()) {
      Optional<String> bad = HostPathValidator.checkHost(hostname.get());
      if (bad.isPresent()) {
        acceptedReason = "UnsupportedValue";
        acceptedMessage = "hostname: " + bad.get();
      }
    }
    boolean accepted = acceptedReason.equals("Accepted");
    List<Condition> conditions = new ArrayList<>();
    conditions.add(new Condition("Accepted", accepted, acceptedReason, acceptedMessage));
    if (!accepted) {
      problems.add(new Problem(gw, "Accepted", acceptedReason, field + ": " + acceptedMessage));
    }

    // Conflicts.
    String conflict = "";
    String conflictMessage = "";
    if (accepted) {
      for (Listener other : samePort) {
        if (other == l) {
          continue;
        }
        if (!Objects.equals(other.getProtocol(), l.getProtocol())) {
          conflict = "ProtocolConflict";
          conflictMessage =
              "listener " + other.getName() + " uses port " + port + " with " + other.getProtocol();
          break;
        }
        if (Objects.equals(
            Objects.requireNonNullElse(other.getHostname(), ""),
            Objects.requireNonNullElse(l.getHostname(), ""))) {
          conflict = "HostnameConflict";
          conflictMessage =
              "listener " + other.getName() + " uses port " + port + " with the same hostname";
          break;
        }
      }
      if (conflict.isEmpty()
          && ((port == options.httpPort() && tls) || (port == options.httpsPort() && !tls))) {
        conflict = "ProtocolConflict";
        conflictMessage =
            "port " + port + " is Weir's Ingress " + (tls ? "HTTP" : "HTTPS") + " listener port";
      }
    }
    conditions.add(
        conflict.isEmpty()
            ? new Condition("Conflicted", false, "NoConflicts", "no conflicts")
            : new Condition("Conflicted", true, conflict, conflictMessage));
    if (!conflict.isEmpty()) {
      problems.add(new Problem(gw, "Conflicted", conflict, field + ": " + conflictMessage));
    }

    // Route kinds.
    List<String> kinds = new ArrayList<>();
    String refsReason = "ResolvedRefs";
    String refsMessage = "references resolved";
    if (accepted) {
      List<RouteGroupKind> wanted =
          l.getAllowedRoutes() == null ? null : l.getAllowedRoutes().getKinds();
      if (wanted == null || wanted.isEmpty()) {
        kinds.addAll(ROUTE_KINDS);
      } else {
        for (RouteGroupKind k : wanted) {
          String group = k.getGroup() == null ? ReferenceGrants.GATEWAY_GROUP : k.getGroup();
          if (group.equals(ReferenceGrants.GATEWAY_GROUP) && ROUTE_KINDS.contains(k.getKind())) {
            if (!kinds.contains(k.getKind())) {
              kinds.add(k.getKind());
            }
          } else {
            refsReason = "InvalidRouteKinds";
            refsMessage = "route kind " + group + "/" + k.getKind() + " is not supported";
          }
        }
      }
    }
    // Certificates.
    List<TlsBundle> bundles = new ArrayList<>();
    if (accepted && tls) {
      List<SecretObjectReference> refs =
          l.getTls() == null || l.getTls().getCertificateRefs() == null
              ? List.of()
              : l.getTls().getCertificateRefs();
      if (refs.isEmpty()) {
        refsReason = "InvalidCertificateRef";
        refsMessage = "an HTTPS listener needs tls.certificateRefs";
      }
      for (SecretObjectReference c : refs) {
        String why = secret(gw, c, bundles);
        if (!why.isEmpty()) {
          refsReason =
              why.startsWith("RefNotPermitted") ? "RefNotPermitted" : "InvalidCertificateRef";
          refsMessage = why.substring(why.indexOf(':') + 2);
        }
      }
    }
    boolean resolved = refsReason.equals("ResolvedRefs");
    conditions.add(new Condition("ResolvedRefs", resolved, refsReason, refsMessage));
    if (!resolved) {
      problems.add(new Problem(gw, "ResolvedRefs", refsReason, field + ": " + refsMessage));
    }
    String from =
        l.getAllowedRoutes() == null
                || l.getAllowedRoutes().getNamespaces() == null
                || l.getAllowedRoutes().getNamespaces().getFrom() == null
            ? "Same"
            : l.getAllowedRoutes().getNamespaces().getFrom();
    Optional<NamespaceSelector> selector = Optional.empty();
    if (accepted && from.equals("Selector")) {
      String why;
      if (l.getAllowedRoutes().getNamespaces().getSelector() == null) {
        why = "allowedRoutes.namespaces.from Selector needs a selector";
      } else {
        try {
          selector =
              Optional.of(NamespaceSelector.of(l.getAllowedRoutes().getNamespaces().getSelector()));
          why = "";
        } catch (InvalidRule e) {
          why = "allowedRoutes.namespaces.selector: " + e.getMessage();
        }
      }
      if (!why.isEmpty()) {
        problems.add(
            new Problem(
                gw,
                "Accepted",
                "UnsupportedValue",
                field + ": " + why + "; no route attaches to this listener"));
      }
    }
    boolean certsOk = resolved || refsReason.equals("InvalidRouteKinds");
    boolean programmable =
        accepted && conflict.isEmpty() && certsOk && (!tls || !bundles.isEmpty());
    conditions.add(
        programmable
            ? new Condition("Programmed", true, "Programmed", "listener programmed")
            : new Condition("Programmed", false, "Invalid", "listener is invalid"));
    return new ListenerInfo(
        gw,
        name,
        port,
        tls,
        hostname,
        accepted,
        programmable,
        from,
        selector,
        kinds,
        bundles,
        conditions);
  }

  /**
   * Resolves one Secret reference of Gateway {@code gw} (a certificateRef, or the backend client
   * certificate) into {@code out}; returns "" or "Reason: why".
   */
  String secret(ObjectRef gw, SecretObjectReference c, List<TlsBundle> out) {
    String group = ReferenceGrants.group(c.getGroup());
    String kind = c.getKind() == null ? "Secret" : c.getKind();
    String name = Objects.requireNonNullElse(c.getName(), "");
    if (!group.isEmpty() || !kind.equals("Secret")) {
      return "InvalidCertificateRef: certificateRef "
          + group
          + "/"
          + kind
          + " "
          + name
          + " is not a Secret";
    }
    String ns =
        c.getNamespace() == null || c.getNamespace().isEmpty() ? gw.namespace() : c.getNamespace();
    if (!grants.allows(
        ReferenceGrants.GATEWAY_GROUP, "Gateway", gw.namespace(), "", "Secret", ns, name)) {
      return "RefNotPermitted: Secret "
          + ns
          + "/"
          + name
          + " is in another namespace and no ReferenceGrant allows it";
    }
    List<Problem> scratch = new ArrayList<>();
    Optional<TlsBundle> bundle = certificates.resolve(ns, name, gw, "certificateRef", scratch);
    if (bundle.isEmpty()) {
      String msg =
          scratch.isEmpty()
              ? "Secret " + ns + "/" + name + " is invalid"
              : scratch.get(0).message();
      return "InvalidCertificateRef: "
          + msg.replace("certificateRef: ", "").replace("; serving its hosts without it", "");
    }
    out.add(bundle.get());
    return "";
  }
}
