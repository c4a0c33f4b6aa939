package dev.weir.controller.source;

import io.fabric8.kubernetes.api.model.ConfigMap;

/** Which ConfigMaps the controller keeps: those holding a CA bundle. Stateless. */
public final class ConfigMaps {

  /**
   * The key of a CA bundle in a ConfigMap named by a BackendTLSPolicy {@code caCertificateRefs}
   * (Gateway API v1.4: "a ConfigMap ... with a key named ca.crt").
   */
  public static final String CA_KEY = "ca.crt";

  private ConfigMaps() {}

  /** Whether {@code m} has a {@code ca.crt} entry. */
  public static boolean hasCaBundle(ConfigMap m) {
    return m.getData() != null && m.getData().containsKey(CA_KEY);
  }
}
