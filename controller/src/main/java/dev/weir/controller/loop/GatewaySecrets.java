package dev.weir.controller.loop;

import dev.weir.controller.state.ClusterState;
import dev.weir.controller.translate.ObjectRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayTLSConfig;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SecretObjectReference;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Secrets that Gateways name (listeners' {@code tls.certificateRefs} and {@code
 * spec.tls.backend.clientCertificateRef}), whatever the Gateway's class: a change to one of them
 * may change the output, so it must trigger a rebuild. Deliberately broader than what the
 * translation uses (it ignores classes and ReferenceGrants); an extra rebuild is harmless since an
 * identical result pushes nothing. Stateless.
 */
final class GatewaySecrets {

  private GatewaySecrets() {}

  /** Every Secret named by a certificateRef of a Gateway in {@code state}. */
  static Set<ObjectRef> referenced(ClusterState state) {
    Set<ObjectRef> out = new TreeSet<>();
    for (Gateway g : state.gatewayApi().gateways()) {
      if (g.getSpec() == null) {
        continue;
      }
      String ns = g.getMetadata().getNamespace();
      for (Listener l :
          Objects.requireNonNullElse(g.getSpec().getListeners(), List.<Listener>of())) {
        if (l.getTls() != null && l.getTls().getCertificateRefs() != null) {
          l.getTls().getCertificateRefs().forEach(ref -> add(ns, ref, out));
        }
      }
      GatewayTLSConfig tls = g.getSpec().getTls();
      if (tls != null && tls.getBackend() != null) {
        add(ns, tls.getBackend().getClientCertificateRef(), out);
      }
    }
    return out;
  }

  private static void add(String ns, SecretObjectReference ref, Set<ObjectRef> out) {
    if (ref == null) {
      return;
    }
    // Gateway API: group "" and kind "Secret" are the defaults; namespace defaults to the
    // Gateway's own.
    boolean core = ref.getGroup() == null || ref.getGroup().isEmpty();
    boolean secret = ref.getKind() == null || ref.getKind().equals("Secret");
    if (core && secret && ref.getName() != null) {
      String refNs =
          ref.getNamespace() == null || ref.getNamespace().isEmpty() ? ns : ref.getNamespace();
      out.add(new ObjectRef("Secret", refNs, ref.getName()));
    }
  }
}
