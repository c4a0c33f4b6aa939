package dev.weir.dataplane.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Matches a server certificate's subject alternative names against the names a backend must present
 * (Gateway API BackendTLSPolicy {@code hostname} or {@code subjectAltNames}). Stateless.
 *
 * <p>A wanted name containing {@code ':'} is a URI and is compared exactly with the certificate's
 * URI SANs (RFC 5280 §4.2.1.6). Any other wanted name is a DNS name, compared ignoring case with
 * the certificate's DNS SANs; a certificate SAN {@code *.foo.com} matches exactly one leftmost
 * label (RFC 6125 §6.4.3), and a wanted {@code *.foo.com} matches only the same wildcard. The
 * subject CN is never used (RFC 6125 §6.4.4: only when there are no SANs, and every current CA sets
 * them).
 */
public final class SubjectAltNames {

  private static final int DNS = 2;
  private static final int URI = 6;

  private SubjectAltNames() {}

  /**
   * @return whether {@code leaf} presents at least one of {@code wanted}
   */
  public static boolean matchesAny(X509Certificate leaf, List<String> wanted) {
    List<String> dns = new ArrayList<>();
    List<String> uris = new ArrayList<>();
    try {
      Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
      if (sans == null) {
        return false;
      }
      for (List<?> san : sans) {
        int type = (Integer) san.get(0);
        if (type == DNS) {
          dns.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
        } else if (type == URI) {
          uris.add((String) san.get(1));
        }
      }
    } catch (CertificateParsingException e) {
      return false;
    }
    for (String w : wanted) {
      if (w.indexOf(':') >= 0 ? uris.contains(w) : dnsMatches(dns, w.toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  private static boolean dnsMatches(List<String> presented, String wanted) {
    for (String p : presented) {
      if (p.equals(wanted)) {
        return true;
      }
      // RFC 6125 §6.4.3: the wildcard stands for the whole leftmost label, and only that one.
      if (p.startsWith("*.") && !wanted.startsWith("*.")) {
        int dot = wanted.indexOf('.');
        if (dot > 0 && wanted.substring(dot).equals(p.substring(1))) {
          return true;
        }
      }
    }
    return false;
  }
}
