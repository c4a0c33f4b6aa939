package dev.weir.dataplane.routing;

import java.util.List;
import java.util.Objects;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSession;

/**
 * Tells a misdirected request on an HTTPS listener: one whose Host (or {@code :authority}) belongs
 * to a different certificate entry than the one the connection's SNI selected, so that it must get
 * 421 Misdirected Request (RFC 9110 §15.5.20; Gateway API
 * GatewayHTTPSListenerDetectMisdirectedRequests) instead of being routed. This matters where a
 * client reuses a connection for another origin (RFC 9113 §9.1.1 connection coalescing): the TLS
 * session it holds was negotiated for another listener, whose certificate and client policy need
 * not apply to this host.
 *
 * <p>The entries are the listener's SNI hostnames from the snapshot ({@code SniCertificate}), one
 * per Gateway listener hostname or Ingress TLS host; a host matching none of them falls to the
 * default certificate, an entry of its own. Both names are matched with the same {@link
 * HostMatcher} precedence as certificate selection, and the request is misdirected when they land
 * on different entries, even if those entries name the same Secret: each is another listener.
 * Without SNI (or for an IP-literal Host) nothing is misdirected.
 *
 * <p>Compiled once per snapshot and listener; immutable, so any thread may call {@link
 * #misdirected}.
 */
public final class MisdirectedRequests {

  /** Never misdirected: a listener without TLS, or with at most the default certificate. */
  public static final MisdirectedRequests NONE = new MisdirectedRequests(null);

  /** The catch-all entry: the default certificate. */
  private static final String DEFAULT = "";

  private final HostMatcher<String> entries;

  private MisdirectedRequests(HostMatcher<String> entries) {
    this.entries = entries;
  }

  /**
   * @param sniHostnames the listener's SNI hostnames (exact or wildcard; {@code "*"} is the
   *     default)
   */
  public static MisdirectedRequests of(List<String> sniHostnames) {
    HostMatcher.Builder<String> b = HostMatcher.builder();
    int specific = 0;
    for (String h : sniHostnames) {
      if (!h.equals("*") && b.add(h, h.toLowerCase(java.util.Locale.ROOT))) {
        specific++;
      }
    }
    b.add("*", DEFAULT);
    return specific == 0 ? NONE : new MisdirectedRequests(b.build());
  }

  /**
   * Whether a request for {@code host} must not be served on a connection whose SNI was {@code
   * sniHost}.
   *
   * @param sniHost the server name the TLS handshake asked for, normalized; null when none
   * @param host the request's host, normalized ({@link HostMatcher#normalizeHost})
   */
  public boolean misdirected(String sniHost, String host) {
    if (entries == null || sniHost == null || host == null || host.startsWith("[")) {
      return false;
    }
    return !Objects.equals(entries.match(sniHost), entries.match(host));
  }

  /**
   * The host name a TLS session's client asked for (RFC 6066 §3 server_name), lower case, or null
   * when it sent none or the session cannot tell.
   */
  public static String requestedServerName(SSLSession session) {
    if (session instanceof ExtendedSSLSession extended) {
      try {
        for (SNIServerName name : extended.getRequestedServerNames()) {
          if (name instanceof SNIHostName hostName) {
            return HostMatcher.normalizeHost(hostName.getAsciiName());
          }
        }
      } catch (UnsupportedOperationException e) {
        return null;
      }
    }
    return null;
  }
}
