package dev.weir.dataplane.lb;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A cluster's session persistence (snapshot {@code SessionPersistence}, Gateway API GEP-1619): the
 * cookie or header that carries a client's endpoint, and the token of each endpoint.
 *
 * <p>A token is opaque: the first 12 bytes of HMAC-SHA256 over {@code address:port}, keyed by the
 * cluster's name, in base64url (16 characters). Every data plane computes the same token, so a
 * client keeps its endpoint through any replica; the address is not shown to the client (the key is
 * not secret, so this hides the address from casual reading, not from a determined guesser).
 *
 * <p>Built once per snapshot; immutable, any thread.
 *
 * @param carrier how the token travels
 * @param name the cookie's or header's name
 * @param ttlSeconds the cookie's Max-Age; 0 for a session cookie
 * @param endpointsByToken each endpoint of the cluster by its token
 * @param tokensByEndpoint each endpoint's token
 * @param <E> the endpoint type
 */
public record SessionAffinity<E>(
    Carrier carrier,
    String name,
    long ttlSeconds,
    Map<String, E> endpointsByToken,
    Map<E, String> tokensByEndpoint) {

  /** How the token travels between the data plane and the client. */
  public enum Carrier {
    /** {@code Set-Cookie} on responses, {@code Cookie} on requests (RFC 6265). */
    COOKIE,
    /** A response header the client sends back as a request header. */
    HEADER
  }

  public SessionAffinity {
    Objects.requireNonNull(carrier, "carrier");
    Objects.requireNonNull(name, "name");
    endpointsByToken = Map.copyOf(endpointsByToken);
    tokensByEndpoint = Map.copyOf(tokensByEndpoint);
  }

  /**
   * The affinity of a cluster's endpoints.
   *
   * @param cluster the cluster's name, which keys the tokens
   * @param names each endpoint's stable name ({@code address:port})
   */
  public static <E> SessionAffinity<E> of(
      Carrier carrier,
      String name,
      long ttlSeconds,
      String cluster,
      List<E> endpoints,
      Function<? super E, String> names) {
    Map<String, E> byToken = new HashMap<>();
    Map<E, String> byEndpoint = new HashMap<>();
    Mac mac = mac(cluster);
    for (E e : endpoints) {
      byte[] digest = mac.doFinal(names.apply(e).getBytes(StandardCharsets.UTF_8));
      String token =
          Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 12));
      byToken.put(token, e);
      byEndpoint.put(e, token);
    }
    return new SessionAffinity<>(carrier, name, ttlSeconds, byToken, byEndpoint);
  }

  /** The endpoint {@code token} names, or null when it names none of this cluster's. */
  public E endpoint(String token) {
    return endpointsByToken.get(token);
  }

  /** The token of {@code endpoint}, or null when it is not in this cluster. */
  public String token(E endpoint) {
    return tokensByEndpoint.get(endpoint);
  }

  private static Mac mac(String cluster) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(
          new SecretKeySpec(
              ("weir-session-v1:" + cluster).getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }
}
