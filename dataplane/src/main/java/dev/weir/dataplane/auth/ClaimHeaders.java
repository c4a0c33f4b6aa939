package dev.weir.dataplane.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Collection;
import java.util.Date;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Copies a verified token's claims into request headers (a provider's {@code claim_to_headers}):
 * strings as they are, numbers and booleans as text, time claims ({@code exp}, {@code iat}, {@code
 * nbf}) as epoch seconds, arrays of those joined with commas. Objects, and values with control
 * characters (which could split a header), are left out. Stateless.
 */
public final class ClaimHeaders {

  private ClaimHeaders() {}

  /** Sets each mapped claim of {@code claims} present in {@code claims} on {@code headers}. */
  public static void copy(
      JWTClaimsSet claims, Map<String, String> claimToHeaders, HttpHeaders headers) {
    for (Map.Entry<String, String> e : claimToHeaders.entrySet()) {
      String value = text(claims.getClaim(e.getKey()));
      if (value != null) {
        headers.set(e.getValue(), value);
      }
    }
  }

  /** The header text for one claim value, or null when it has none. */
  static String text(Object value) {
    String text =
        switch (value) {
          case null -> null;
          case String s -> s;
          case Number n -> n.toString();
          case Boolean b -> b.toString();
          case Date d -> Long.toString(Math.floorDiv(d.getTime(), 1000));
          case Collection<?> list -> join(list);
          default -> null;
        };
    return text == null || !safe(text) ? null : text;
  }

  private static String join(Collection<?> list) {
    StringJoiner out = new StringJoiner(",");
    for (Object o : list) {
      if (o instanceof Collection<?> || o instanceof Map<?, ?>) {
        return null;
      }
      String t = text(o);
      if (t == null) {
        return null;
      }
      out.add(t);
    }
    return out.toString();
  }

  /** RFC 9110 §5.5: a field value has no CR, LF or NUL (nor other controls but tab). */
  private static boolean safe(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return false;
      }
    }
    return true;
  }
}
