package dev.weir.controller.translate;

import dev.weir.controller.model.ClientValidation;
import dev.weir.controller.model.GatewayApiStatus.Condition;
import dev.weir.controller.source.ConfigMaps;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.FrontendTLSConfig;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.FrontendTLSValidation;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSConfig;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSPortConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Client-certificate validation of a Gateway's HTTPS listeners (Gateway API v1.4 {@code
 * spec.tls.frontend}): {@code perPort} entries override {@code default}; {@code
 * validation.caCertificateRefs} name ConfigMaps with {@code ca.crt} (another namespace needs a
 * ReferenceGrant); {@code mode: AllowInsecureFallback} serves clients without a certificate, the
 * default {@code AllowValidOnly} refuses them in the handshake.
 *
 * <p>A validation whose refs are all unusable fails closed: the listener is not programmed (never
 * served without the validation it asked for) and gets {@code ResolvedRefs=False}, reason {@code
 * InvalidCACertificateRef} (or {@code InvalidCACertificateKind}), and {@code Programmed=False}.
 *
 * <p>One instance per build: not thread-safe.
 */
final class FrontendValidation {

  /**
   * What one listener gets.
   *
   * @param validation the validation to program, or null for none
   * @param invalid the conditions replacing the listener's ResolvedRefs and Programmed when the
   *     validation is unusable, else empty
   */
  record Result(ClientValidation validation, List<Condition> invalid) {
    /** Whether the listener may be programmed. */
    boolean usable() {
      return invalid.isEmpty();
    }

    /** {@code base} with ResolvedRefs and Programmed replaced when the validation is unusable. */
    List<Condition> conditions(List<Condition> base) {
      if (invalid.isEmpty()) {
        return base;
      }
      List<Condition> out = new ArrayList<>();
      for (Condition c : base) {
        Condition replaced =
            invalid.stream().filter(i -> i.type().equals(c.type())).findFirst().orElse(c);
        out.add(replaced);
      }
      return out;
    }
  }

  private static final Result NONE = new Result(null, List.of());

  private final Map<String, ConfigMap> maps = new HashMap<>();
  private final ReferenceGrants grants;

  FrontendValidation(List<ConfigMap> configMaps, ReferenceGrants grants) {
    for (ConfigMap m : configMaps) {
      if (m != null && m.getMetadata() != null && ConfigMaps.hasCaBundle(m)) {
        maps.put(Ingresses.namespace(m) + "/" + Ingresses.name(m), m);
      }
    }
    this.grants = grants;
  }

  /** The validation of listener {@code port} (HTTPS only) of {@code gateway}. */
  Result forListener(Gateway gateway, int port, boolean tls, List<Problem> problems) {
    if (!tls || gateway.getSpec().getTls() == null) {
      return NONE;
    }
    FrontendTLSConfig frontend = gateway.getSpec().getTls().getFrontend();
    if (frontend == null) {
      return NONE;
    }
    TLSConfig config = frontend.getDefault();
    for (TLSPortConfig p :
        Objects.requireNonNullElse(frontend.getPerPort(), List.<TLSPortConfig>of())) {
      if (p != null && Objects.equals(p.getPort(), port)) {
        config = p.getTls();
      }
    }
    FrontendTLSValidation v = config == null ? null : config.getValidation();
    if (v == null || v.getCaCertificateRefs() == null || v.getCaCertificateRefs().isEmpty()) {
      return NONE;
    }
    StringBuilder pem = new StringBuilder();
    String reason = null;
    String message = null;
    String ns = Ingresses.namespace(gateway);
    for (ObjectReference ref : v.getCaCertificateRefs()) {
      String refNs = Objects.requireNonNullElse(ref.getNamespace(), ns);
      if (!"ConfigMap".equals(ref.getKind())
          || !Objects.requireNonNullElse(ref.getGroup(), "").isEmpty()) {
        reason = "InvalidCACertificateKind";
        message = "caCertificateRefs " + ref.getName() + ": only core ConfigMaps are supported";
        continue;
      }
      ConfigMap m = maps.get(refNs + "/" + ref.getName());
      boolean allowed =
          grants.allows(
              ReferenceGrants.GATEWAY_GROUP, "Gateway", ns, "", "ConfigMap", refNs, ref.getName());
      String bundle = m == null ? null : m.getData().get(ConfigMaps.CA_KEY);
      if (!allowed || bundle == null || !CaBundles.parses(bundle)) {
        reason = Objects.requireNonNullElse(reason, "InvalidCACertificateRef");
        message =
            "ConfigMap "
                + refNs
                + "/"
                + ref.getName()
                + (allowed
                    ? " is missing or has no valid ca.crt"
                    : " is not allowed by a ReferenceGrant");
        continue;
      }
      pem.append(bundle.strip()).append('\n');
    }
    if (pem.isEmpty()) {
      problems.add(new Problem(Ingresses.ref("Gateway", gateway), "ResolvedRefs", reason, message));
      return new Result(
          null,
          List.of(
              new Condition("ResolvedRefs", false, reason, message),
              new Condition(
                  "Programmed",
                  false,
                  "Invalid",
                  "client certificate validation has no usable CA certificate; not served")));
    }
    return new Result(
        new ClientValidation(pem.toString(), "AllowInsecureFallback".equals(v.getMode())),
        List.of());
  }
}
