package dev.weir.controller.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.controller.crd.JwtSpec;
import dev.weir.controller.source.ConfigMaps;
import dev.weir.controller.translate.BackendPolicyValidator.InvalidPolicy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the inline JWKS documents (RFC 7517 §5) that TrafficPolicy JWT providers name by {@code
 * jwks.secretRef} or {@code jwks.configMapRef}, in the policy's namespace. The Secret must be
 * labelled {@code weir.dev/jwks=true}: only such Secrets (besides TLS ones) are watched, so that
 * the controller never caches unrelated Secret data. The document must be a JSON object with a
 * {@code keys} array. Messages name the object and key, never their content, since an HS256 JWKS
 * holds secret keys.
 *
 * <p>One instance serves one build: not thread-safe.
 */
final class JwksSources {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Secret> secrets = new HashMap<>();
  private final Map<String, ConfigMap> configMaps = new HashMap<>();

  /**
   * @param secrets the Secrets the controller knows (TLS ones are ignored here)
   * @param configMaps the ConfigMaps the controller knows
   */
  JwksSources(List<Secret> secrets, List<ConfigMap> configMaps) {
    for (Secret s : secrets) {
      if (s != null && s.getMetadata() != null) {
        this.secrets.put(Ingresses.namespace(s) + "/" + Ingresses.name(s), s);
      }
    }
    for (ConfigMap m : configMaps) {
      if (m != null && m.getMetadata() != null) {
        this.configMaps.put(Ingresses.namespace(m) + "/" + Ingresses.name(m), m);
      }
    }
  }

  /**
   * The JWKS document a {@code secretRef} or {@code configMapRef} names.
   *
   * @param namespace the policy's namespace
   * @param provider the provider's name, for messages
   * @throws InvalidPolicy when the object or key is missing or is not a JWKS
   */
  String inline(String namespace, String provider, JwtSpec.Jwks jwks) throws InvalidPolicy {
    boolean secret = jwks.secretRef != null;
    JwtSpec.KeyRef ref = secret ? jwks.secretRef : jwks.configMapRef;
    String key = ref.keyOrDefault();
    String what =
        "jwt provider "
            + provider
            + ": "
            + (secret ? "Secret " : "ConfigMap ")
            + namespace
            + "/"
            + ref.name;
    String text;
    if (secret) {
      Secret s = secrets.get(namespace + "/" + ref.name);
      if (s == null || !ConfigMaps.isJwksLabelled(s)) {
        throw new InvalidPolicy(
            what + " not found (a JWKS Secret needs the label " + ConfigMaps.JWKS_LABEL + "=true)");
      }
      text = secretValue(s, key);
    } else {
      ConfigMap m = configMaps.get(namespace + "/" + ref.name);
      if (m == null) {
        throw new InvalidPolicy(
            what
                + " not found (a JWKS ConfigMap needs a key "
                + ConfigMaps.JWKS_KEY
                + " or the label "
                + ConfigMaps.JWKS_LABEL
                + "=true)");
      }
      text = m.getData() == null ? null : m.getData().get(key);
    }
    if (text == null) {
      throw new InvalidPolicy(what + " has no key " + key);
    }
    if (!isJwks(text)) {
      throw new InvalidPolicy(
          what + " key " + key + " is not a JWKS (a JSON object with a \"keys\" array)");
    }
    return text;
  }

  /** The value of {@code key}, from {@code data} (base64) or {@code stringData}; null if absent. */
  private static String secretValue(Secret s, String key) {
    if (s.getData() != null && s.getData().get(key) != null) {
      try {
        return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return ""; // not base64: reported as not a JWKS, without quoting it
      }
    }
    return s.getStringData() == null ? null : s.getStringData().get(key);
  }

  private static boolean isJwks(String text) {
    try {
      JsonNode doc = JSON.readTree(text);
      return doc != null && doc.isObject() && doc.path("keys").isArray();
    } catch (IOException e) {
      return false; // the parser's message may quote key material: never passed on
    }
  }
}
