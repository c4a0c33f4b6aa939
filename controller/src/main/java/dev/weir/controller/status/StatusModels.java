package dev.weir.controller.status;

import dev.weir.controller.model.GatewayApiStatus;
import dev.weir.controller.state.ClusterState;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddress;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SupportedFeature;
import java.time.Instant;
import java.util.List;

/**
 * Builds the fabric8 status objects of GatewayClasses and Gateways from the model, keeping stored
 * condition timestamps ({@link KubeConditions}). Stateless.
 */
final class StatusModels {

  static final String GROUP = "gateway.networking.k8s.io";

  private StatusModels() {}

  static GatewayClassStatus gatewayClass(
      GatewayApiStatus.GatewayClassStatus c, List<Condition> stored, Instant now) {
    GatewayClassStatus s = new GatewayClassStatus();
    s.setConditions(KubeConditions.merge(c.conditions(), stored, c.observedGeneration(), now));
    s.setSupportedFeatures(
        c.supportedFeatures().stream()
            .map(
                f -> {
                  SupportedFeature sf = new SupportedFeature();
                  sf.setName(f);
                  return sf;
                })
            .toList());
    return s;
  }

  static GatewayStatus gateway(
      GatewayApiStatus.GatewayStatus g, List<String> addresses, GatewayStatus old, Instant now) {
    GatewayStatus s = new GatewayStatus();
    s.setConditions(
        KubeConditions.merge(
            g.conditions(), old == null ? null : old.getConditions(), g.observedGeneration(), now));
    s.setListeners(
        g.listeners().stream()
            .map(
                l -> {
                  ListenerStatus ls = new ListenerStatus();
                  ls.setName(l.name());
                  ls.setAttachedRoutes(l.attachedRoutes());
                  ls.setSupportedKinds(
                      l.supportedKinds().stream()
                          .map(
                              k -> {
                                RouteGroupKind rgk = new RouteGroupKind();
                                rgk.setGroup(GROUP);
                                rgk.setKind(k);
                                return rgk;
                              })
                          .toList());
                  ls.setConditions(
                      KubeConditions.merge(
                          l.conditions(),
                          storedListener(old, l.name()),
                          g.observedGeneration(),
                          now));
                  return ls;
                })
            .toList());
    s.setAddresses(
        addresses.stream()
            .map(
                a -> {
                  GatewayStatusAddress ga = new GatewayStatusAddress();
                  ga.setType(isIp(a) ? "IPAddress" : "Hostname");
                  ga.setValue(a);
                  return ga;
                })
            .toList());
    if (old != null) {
      s.setAttachedListenerSets(old.getAttachedListenerSets());
    }
    return s;
  }

  private static List<Condition> storedListener(GatewayStatus old, String name) {
    if (old == null || old.getListeners() == null) {
      return null;
    }
    return old.getListeners().stream()
        .filter(l -> name.equals(l.getName()))
        .findFirst()
        .map(ListenerStatus::getConditions)
        .orElse(null);
  }

  /** The addresses {@code target} publishes (IPs or hostnames), empty for none. */
  static List<String> addresses(PublishTarget target, ClusterState state) {
    return switch (target) {
      case PublishTarget.None n -> List.of();
      case PublishTarget.Addresses a -> a.addresses();
      case PublishTarget.FromService s ->
          IngressStatusWriter.fromService(state, s).stream()
              .map(e -> e.getIp() != null ? e.getIp() : e.getHostname())
              .toList();
    };
  }

  private static boolean isIp(String address) {
    return IngressStatusWriter.entry(address).getIp() != null;
  }
}
