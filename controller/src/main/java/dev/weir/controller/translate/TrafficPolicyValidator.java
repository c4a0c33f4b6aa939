package dev.weir.controller.translate;

import dev.weir.controller.crd.JwtSpec;
import dev.weir.controller.crd.TrafficPolicySpec;
import dev.weir.controller.translate.BackendPolicyValidator.InvalidPolicy;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a TrafficPolicy spec: the rules its CRD schema states (for local mode and servers that
 * skip the schema) plus those it cannot: a Header rate-limit key names its header, each JWT
 * provider has exactly one key source and a unique name, URLs parse, IP lists are CIDRs, fault
 * injection delays or aborts something. Stateless.
 */
final class TrafficPolicyValidator {

  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");

  private TrafficPolicyValidator() {}

  static void check(TrafficPolicySpec spec) throws InvalidPolicy {
    TrafficPolicySpec.RateLimit rl = spec.rateLimit;
    if (rl != null) {
      require(rl.requests != null && rl.requests >= 1, "rateLimit.requests must be at least 1");
      require(rl.unit != null, "rateLimit.unit is required");
      require(rl.burst == null || rl.burst >= 1, "rateLimit.burst must be at least 1");
      require(
          rl.key != TrafficPolicySpec.RateKey.Header || notEmpty(rl.header),
          "rateLimit.key Header needs rateLimit.header");
    }
    if (spec.cache != null) {
      require(
          spec.cache.maxEntries == null || spec.cache.maxEntries >= 1,
          "cache.maxEntries must be at least 1");
      require(
          spec.cache.maxEntryBytes == null || spec.cache.maxEntryBytes >= 1,
          "cache.maxEntryBytes must be at least 1");
      duration("cache.defaultTtl", spec.cache.defaultTtl);
    }
    if (spec.jwt != null) {
      jwt(spec.jwt);
    }
    if (spec.extAuth != null) {
      require(spec.extAuth.http != null, "extAuth.http is required");
      url("extAuth.http.url", spec.extAuth.http.url);
      duration("extAuth.http.timeout", spec.extAuth.http.timeout);
    }
    if (spec.ipAccess != null) {
      cidrs("ipAccess.allow", spec.ipAccess.allow);
      cidrs("ipAccess.deny", spec.ipAccess.deny);
    }
    if (spec.securityHeaders != null && spec.securityHeaders.hsts != null) {
      Long maxAge = spec.securityHeaders.hsts.maxAge;
      require(maxAge != null && maxAge >= 0, "securityHeaders.hsts.maxAge must be set, >= 0");
    }
    if (spec.compression != null) {
      require(
          spec.compression.minSize == null || spec.compression.minSize >= 0,
          "compression.minSize must not be negative");
    }
    require(
        spec.requestBodyLimit == null || spec.requestBodyLimit >= 1,
        "requestBodyLimit must be at least 1");
    if (spec.directResponse != null) {
      status("directResponse.status", spec.directResponse.status);
    }
    if (spec.faultInjection != null) {
      faultInjection(spec.faultInjection);
    }
  }

  private static void jwt(JwtSpec jwt) throws InvalidPolicy {
    List<JwtSpec.Provider> providers = Objects.requireNonNullElse(jwt.providers, List.of());
    require(!providers.isEmpty(), "jwt.providers must name at least one provider");
    Set<String> names = new HashSet<>();
    for (JwtSpec.Provider p : providers) {
      require(p != null && notEmpty(p.name), "jwt.providers[].name is required");
      require(names.add(p.name), "jwt provider " + p.name + " is named twice");
      require(notEmpty(p.issuer), "jwt provider " + p.name + ": issuer is required");
      boolean uri = p.jwks != null && notEmpty(p.jwks.uri);
      int sources =
          (uri ? 1 : 0)
              + (p.jwks != null && p.jwks.secretRef != null ? 1 : 0)
              + (p.jwks != null && p.jwks.configMapRef != null ? 1 : 0);
      require(
          sources == 1,
          "jwt provider " + p.name + ": set exactly one of jwks.uri, secretRef, configMapRef");
      if (uri) {
        url("jwt provider " + p.name + " jwks.uri", p.jwks.uri);
      }
      for (JwtSpec.ClaimToHeader c :
          Objects.requireNonNullElse(p.claimToHeaders, List.<JwtSpec.ClaimToHeader>of())) {
        require(
            c != null && notEmpty(c.claim) && notEmpty(c.header),
            "jwt provider " + p.name + ": claimToHeaders need a claim and a header");
      }
    }
  }

  private static void faultInjection(TrafficPolicySpec.FaultInjection f) throws InvalidPolicy {
    require(f.delay != null || f.abort != null, "faultInjection needs a delay or an abort");
    if (f.delay != null) {
      require(f.delay.duration != null, "faultInjection.delay.duration is required");
      duration("faultInjection.delay.duration", f.delay.duration);
      percentage("faultInjection.delay.percentage", f.delay.percentage);
    }
    if (f.abort != null) {
      status("faultInjection.abort.status", f.abort.status);
      percentage("faultInjection.abort.percentage", f.abort.percentage);
    }
  }

  private static void status(String field, Integer status) throws InvalidPolicy {
    require(status != null && status >= 200 && status <= 599, field + " must be 200-599");
  }

  private static void percentage(String field, Integer p) throws InvalidPolicy {
    require(p == null || (p >= 0 && p <= 100), field + " must be 0-100");
  }

  private static void duration(String field, String text) throws InvalidPolicy {
    require(
        text == null || Durations.parse(text).isPresent(),
        field + ": \"" + text + "\" is not a duration such as \"5s\" or \"250ms\"");
  }

  private static void url(String field, String text) throws InvalidPolicy {
    try {
      URI uri = new URI(Objects.requireNonNullElse(text, ""));
      String scheme = Objects.requireNonNullElse(uri.getScheme(), "");
      require(
          (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null,
          field + " must be an http or https URL with a host");
    } catch (URISyntaxException e) {
      throw new InvalidPolicy(field + " is not a URL");
    }
  }

  /** Each entry is an IP literal or a CIDR (RFC 4632, RFC 4291 §2.3); never resolves names. */
  private static void cidrs(String field, List<String> entries) throws InvalidPolicy {
    for (String e : Objects.requireNonNullElse(entries, List.<String>of())) {
      require(isCidr(e), field + ": \"" + e + "\" is not an IP address or CIDR");
    }
  }

  static boolean isCidr(String entry) {
    if (entry == null) {
      return false;
    }
    int slash = entry.indexOf('/');
    String address = slash < 0 ? entry : entry.substring(0, slash);
    // Ipv4Literal checks octets: InetAddress would look "999.1.1.1" up in DNS.
    boolean v4 = Ipv4Literal.matches(address);
    if (!v4 && !(address.contains(":") && IPV6.matcher(address).matches())) {
      return false; // checked first, so InetAddress never looks a name up in DNS
    }
    try {
      byte[] bytes = InetAddress.getByName(address).getAddress();
      if (v4 && bytes.length != 4) {
        return false;
      }
      if (slash < 0) {
        return true;
      }
      int prefix = Integer.parseInt(entry.substring(slash + 1));
      return prefix >= 0 && prefix <= bytes.length * 8;
    } catch (UnknownHostException | NumberFormatException e) {
      return false;
    }
  }

  private static void require(boolean ok, String message) throws InvalidPolicy {
    if (!ok) {
      throw new InvalidPolicy(message);
    }
  }

  private static boolean notEmpty(String s) {
    return s != null && !s.isEmpty();
  }
}
