package dev.weir.dataplane.config;

import dev.weir.api.config.v1.ExternalAuth;
import dev.weir.api.config.v1.JwtAuthentication;
import dev.weir.dataplane.auth.ExtAuthSettings;
import dev.weir.dataplane.auth.JwkKeys;
import dev.weir.dataplane.auth.JwksCache;
import dev.weir.dataplane.auth.JwtProvider;
import dev.weir.dataplane.auth.JwtSettings;
import dev.weir.dataplane.auth.VerifiedTokens;
import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Compiles a route's JWT authentication and external authorization into {@link JwtSettings} and
 * {@link ExtAuthSettings}; each invalid value goes to {@code fail} (the caller names the route and
 * NACKs the snapshot). Inline JWKS documents come from Secrets: their content never appears in a
 * message. Used by {@link RouteFiltersCompiler}; stateless.
 */
final class AuthCompiler {

  /** How long fetched keys are used before a refetch when the provider does not say. */
  static final Duration DEFAULT_JWKS_CACHE = Duration.ofSeconds(300);

  /** The longest external authorization timeout accepted. */
  static final long MAX_EXT_AUTH_TIMEOUT_MS = 60_000;

  /** Request headers a claim or an authorization answer must not overwrite. */
  private static final Set<String> RESERVED =
      Set.of(
          "host",
          "connection",
          "content-length",
          "transfer-encoding",
          "te",
          "upgrade",
          "keep-alive",
          "proxy-connection",
          "trailer");

  private AuthCompiler() {}

  static JwtSettings jwt(JwtAuthentication j, Consumer<String> fail) {
    if (j.getProvidersCount() == 0) {
      fail.accept("JWT authentication has no provider");
      return null;
    }
    List<JwtProvider> providers = new ArrayList<>();
    Set<String> claimHeaders = new LinkedHashSet<>();
    for (int i = 0; i < j.getProvidersCount(); i++) {
      dev.weir.api.config.v1.JwtProvider p = j.getProviders(i);
      String name = p.getName().isEmpty() ? "#" + i : p.getName();
      Consumer<String> pfail = m -> fail.accept("JWT provider " + name + ": " + m);
      JwksCache keys = keys(p, pfail);
      Map<String, String> claims = new LinkedHashMap<>();
      p.getClaimToHeadersMap()
          .forEach(
              (claim, header) -> {
                String h = header(header, pfail);
                if (claim.isEmpty()) {
                  pfail.accept("claim_to_headers has an empty claim name");
                }
                claims.put(claim, h);
                claimHeaders.add(h);
              });
      if (keys != null) {
        long skew = Integer.toUnsignedLong(p.getClockSkewSeconds());
        providers.add(
            new JwtProvider(
                name,
                p.getIssuer().isEmpty() ? null : p.getIssuer(),
                new HashSet<>(p.getAudiencesList()),
                claims,
                skew == 0 ? JwtProvider.DEFAULT_SKEW_SECONDS : skew,
                keys));
      }
    }
    return new JwtSettings(
        providers,
        j.getAllowMissing(),
        List.copyOf(claimHeaders),
        new VerifiedTokens(VerifiedTokens.DEFAULT_CAPACITY));
  }

  private static JwksCache keys(dev.weir.api.config.v1.JwtProvider p, Consumer<String> fail) {
    switch (p.getKeysCase()) {
      case JWKS -> {
        JwkKeys keys;
        try {
          keys = JwkKeys.parse(p.getJwks());
        } catch (ParseException e) {
          // The document may hold HMAC secrets: never quote it or the parser's message.
          fail.accept("inline JWKS does not parse");
          return null;
        }
        if (keys.keys().isEmpty()) {
          fail.accept("inline JWKS has no usable signing key (HS256, RS256 or P-256 ES256)");
          return null;
        }
        return JwksCache.inline(keys);
      }
      case JWKS_URI -> {
        URI uri = httpUrl(p.getJwksUri(), "jwks_uri", fail);
        long ttl = Integer.toUnsignedLong(p.getJwksCacheSeconds());
        return uri == null
            ? null
            : JwksCache.remote(
                uri, ttl == 0 ? DEFAULT_JWKS_CACHE : Duration.ofSeconds(ttl), System::nanoTime);
      }
      default -> {
        fail.accept("neither jwks_uri nor jwks is set");
        return null;
      }
    }
  }

  static ExtAuthSettings extAuth(ExternalAuth e, Consumer<String> fail) {
    Consumer<String> efail = m -> fail.accept("external auth: " + m);
    URI url = httpUrl(e.getUrl(), "url", efail);
    if (url != null && (url.getRawQuery() != null || url.getRawFragment() != null)) {
      efail.accept("url " + e.getUrl() + " has a query or fragment");
      url = null;
    }
    long timeout = Integer.toUnsignedLong(e.getTimeoutMs());
    if (timeout > MAX_EXT_AUTH_TIMEOUT_MS) {
      efail.accept("timeout_ms is over " + MAX_EXT_AUTH_TIMEOUT_MS);
    }
    List<String> toAuth = headers(e.getHeadersToAuthList(), efail);
    List<String> toBackend = headers(e.getHeadersToBackendList(), efail);
    if (url == null) {
      return null;
    }
    return new ExtAuthSettings(
        url,
        timeout == 0 ? ExtAuthSettings.DEFAULT_TIMEOUT : Duration.ofMillis(timeout),
        toAuth.isEmpty() ? ExtAuthSettings.DEFAULT_HEADERS_TO_AUTH : toAuth,
        toBackend,
        e.getFailOpen());
  }

  private static List<String> headers(List<String> names, Consumer<String> fail) {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      out.add(header(n, fail));
    }
    return out;
  }

  private static String header(String name, Consumer<String> fail) {
    String h = name.trim().toLowerCase(Locale.ROOT);
    if (!isToken(h) || RESERVED.contains(h)) {
      fail.accept("header name \"" + name + "\" is not a usable field name");
    }
    return h;
  }

  /** RFC 9110 §5.1: a field name is a token (tchar = visible ASCII except delimiters). */
  private static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  private static URI httpUrl(String text, String field, Consumer<String> fail) {
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    fail.accept(field + " \"" + text + "\" is not an http(s) URL");
    return null;
  }
}
