package dev.weir.controller.source;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;

/**
 * Which ConfigMaps and Secrets the controller keeps: ConfigMaps holding a CA bundle or a JWKS, TLS
 * Secrets, and Secrets labelled {@code weir.dev/jwks=true} (JWKS for TrafficPolicy JWT providers,
 * possibly with HS256 secret keys). Stateless.
 */
public final class ConfigMaps {

  /**
   * The key of a CA bundle in a ConfigMap named by a BackendTLSPolicy {@code caCertificateRefs}
   * (Gateway API v1.4: "a ConfigMap ... with a key named ca.crt").
   */
  public static final String CA_KEY = "ca.crt";

  /** The default key of a JWKS in a ConfigMap or Secret (TrafficPolicy {@code jwks}). */
  public static final String JWKS_KEY = "jwks";

  /**
   * The label that opts a Secret (or a ConfigMap whose JWKS is under another key) in: only such
   * Secrets, besides TLS ones, are watched, so unrelated Secret data is never cached.
   */
  public static final String JWKS_LABEL = "weir.dev/jwks";

  private ConfigMaps() {}

  /** Whether the controller keeps {@code m}: a CA bundle, or a JWKS by key or label. */
  public static boolean isKept(ConfigMap m) {
    return hasCaBundle(m)
        || (m.getData() != null && m.getData().containsKey(JWKS_KEY))
        || isJwksLabelled(m);
  }

  /** Whether {@code s} is a Secret the controller keeps: TLS, or labelled as a JWKS. */
  public static boolean isKept(Secret s) {
    return KubernetesSource.TLS_SECRET_TYPE.equals(s.getType()) || isJwksLabelled(s);
  }

  /** Whether {@code o} carries {@code weir.dev/jwks=true}. */
  public static boolean isJwksLabelled(HasMetadata o) {
    return o.getMetadata() != null
        && o.getMetadata().getLabels() != null
        && "true".equals(o.getMetadata().getLabels().get(JWKS_LABEL));
  }

  /** Whether {@code m} has a {@code ca.crt} entry. */
  public static boolean hasCaBundle(ConfigMap m) {
    return m.getData() != null && m.getData().containsKey(CA_KEY);
  }
}
