package dev.weir.controller.translate;

import dev.weir.controller.model.TlsBundle;
import dev.weir.controller.validate.CertificateValidator;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@code kubernetes.io/tls} Secrets that Ingresses name and validates them with {@link
 * CertificateValidator}. Each Secret is validated once per build. {@code stringData} is honoured
 * (it wins over {@code data}, as the API server merges it), because local-mode YAML never went
 * through an API server. Messages never quote Secret data.
 *
 * <p>One instance serves one build: not thread-safe.
 */
final class TlsResolver {

  static final String TLS_TYPE = "kubernetes.io/tls";

  private final Map<String, Secret> secrets = new HashMap<>();
  private final Map<String, Object> results = new HashMap<>();

  TlsResolver(List<Secret> secretList) {
    for (Secret s : secretList) {
      if (s != null && s.getMetadata() != null && s.getMetadata().getName() != null) {
        secrets.put(Ingresses.namespace(s) + "/" + Ingresses.name(s), s);
      }
    }
  }

  /**
   * The validated bundle of Secret {@code namespace/name}, or empty after adding a problem on
   * {@code source}.
   */
  Optional<TlsBundle> resolve(
      String namespace, String name, ObjectRef source, String field, List<Problem> problems) {
    String key = namespace + "/" + name;
    Object result = results.computeIfAbsent(key, k -> load(k, secrets.get(k)));
    if (result instanceof TlsBundle bundle) {
      return Optional.of(bundle);
    }
    problems.add(
        new Problem(
            source,
            "ResolvedRefs",
            "InvalidCertificateRef",
            field + ": Secret " + key + " " + result + "; serving its hosts without it"));
    return Optional.empty();
  }

  /** A {@link TlsBundle}, or a String saying why there is none. */
  private static Object load(String key, Secret secret) {
    if (secret == null) {
      return "not found";
    }
    if (!TLS_TYPE.equals(secret.getType())) {
      return "has type \"" + secret.getType() + "\", not \"" + TLS_TYPE + "\"";
    }
    byte[] crt;
    byte[] tlsKey;
    byte[] ocsp;
    try {
      crt = field(secret, "tls.crt");
      tlsKey = field(secret, "tls.key");
      ocsp = field(secret, TlsBundle.OCSP_KEY);
    } catch (IllegalArgumentException e) {
      return "has data that is not valid base64";
    }
    if (crt == null || crt.length == 0) {
      return "has no tls.crt";
    }
    if (tlsKey == null || tlsKey.length == 0) {
      return "has no tls.key";
    }
    return switch (CertificateValidator.validate(key, crt, tlsKey)) {
      case CertificateValidator.Valid v ->
          ocsp == null ? v.bundle() : v.bundle().withOcspResponse(ocsp);
      case CertificateValidator.Invalid i -> "is invalid: " + i.reason();
    };
  }

  private static byte[] field(Secret secret, String name) {
    Map<String, String> stringData = secret.getStringData();
    if (stringData != null && stringData.get(name) != null) {
      return stringData.get(name).getBytes(StandardCharsets.UTF_8);
    }
    Map<String, String> data = secret.getData();
    if (data != null && data.get(name) != null) {
      return Base64.getMimeDecoder().decode(data.get(name));
    }
    return null;
  }
}
