package dev.weir.dataplane.routing;

/**
 * Parses IP address text into 128 bits without allocating: IPv6 (RFC 4291 §2.2, with {@code ::}, an
 * embedded dotted IPv4 tail and an ignored {@code %zone}) and IPv4 dotted quads, which become
 * IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}, RFC 4291 §2.5.5.2) so one comparison serves
 * both families. The two halves are parsed separately ({@link #high}, {@link #low}) so a caller on
 * the request path needs no array. Stateless.
 */
public final class IpAddressBits {

  private IpAddressBits() {}

  /** The upper 64 bits of {@code text}; throws IllegalArgumentException if it is not an address. */
  public static long high(CharSequence text) {
    return parse(text, true);
  }

  /** The lower 64 bits of {@code text}; throws IllegalArgumentException if it is not an address. */
  public static long low(CharSequence text) {
    return parse(text, false);
  }

  private static long parse(CharSequence s, boolean high) {
    int end = s.length();
    for (int i = 0; i < end; i++) {
      if (s.charAt(i) == '%') {
        end = i;
        break;
      }
    }
    boolean v6 = false;
    for (int i = 0; i < end; i++) {
      if (s.charAt(i) == ':') {
        v6 = true;
        break;
      }
    }
    if (!v6) {
      long v4 = ipv4(s, 0, end);
      return high ? 0 : 0xffff_0000_0000L | v4;
    }
    return ipv6(s, end, high);
  }

  // Groups before "::" go into (hh, hl), groups after it into (th, tl); the head is shifted up
  // over the groups the "::" stands for.
  private static long ipv6(CharSequence s, int end, boolean high) {
    long hh = 0;
    long hl = 0;
    long th = 0;
    long tl = 0;
    int headGroups = 0;
    int tailGroups = 0;
    boolean compressed = false;
    int i = 0;
    if (end >= 2 && s.charAt(0) == ':' && s.charAt(1) == ':') {
      compressed = true;
      i = 2;
    } else if (end > 0 && s.charAt(0) == ':') {
      throw invalid(s);
    }
    while (i < end) {
      int start = i;
      int value = 0;
      while (i < end && s.charAt(i) != ':' && s.charAt(i) != '.') {
        int d = Character.digit(s.charAt(i), 16);
        if (d < 0 || i - start >= 4) {
          throw invalid(s);
        }
        value = value << 4 | d;
        i++;
      }
      int groups = 1;
      long bits = value;
      if (i < end && s.charAt(i) == '.') {
        // A dotted IPv4 tail fills the last two groups.
        bits = ipv4(s, start, end);
        groups = 2;
        i = end;
      } else if (i == start) {
        throw invalid(s);
      }
      if (compressed) {
        th = th << (16 * groups) | tl >>> (64 - 16 * groups);
        tl = tl << (16 * groups) | bits;
        tailGroups += groups;
      } else {
        hh = hh << (16 * groups) | hl >>> (64 - 16 * groups);
        hl = hl << (16 * groups) | bits;
        headGroups += groups;
      }
      if (i < end) {
        i++; // the ':'
        if (i < end && s.charAt(i) == ':') {
          if (compressed) {
            throw invalid(s);
          }
          compressed = true;
          i++;
        } else if (i == end) {
          throw invalid(s);
        }
      }
    }
    int total = headGroups + tailGroups;
    if (total > 8 || (!compressed && total != 8) || (compressed && total == 8)) {
      throw invalid(s);
    }
    int shift = 16 * (8 - headGroups);
    long resultHigh =
        (shift >= 128 ? 0 : shift >= 64 ? hl << (shift - 64) : shiftHigh(hh, hl, shift));
    long resultLow = shift >= 64 ? 0 : hl << shift;
    return high ? resultHigh | th : resultLow | tl;
  }

  private static long shiftHigh(long hh, long hl, int shift) {
    return shift == 0 ? hh : hh << shift | hl >>> (64 - shift);
  }

  private static long ipv4(CharSequence s, int start, int end) {
    long out = 0;
    int parts = 0;
    int i = start;
    while (i <= end) {
      int begin = i;
      int value = 0;
      while (i < end && s.charAt(i) != '.') {
        char c = s.charAt(i);
        if (c < '0' || c > '9' || i - begin >= 3) {
          throw invalid(s);
        }
        value = value * 10 + (c - '0');
        i++;
      }
      if (i == begin || value > 255) {
        throw invalid(s);
      }
      out = out << 8 | value;
      parts++;
      i++;
    }
    if (parts != 4) {
      throw invalid(s);
    }
    return out;
  }

  private static IllegalArgumentException invalid(CharSequence s) {
    return new IllegalArgumentException("not an IP address: " + s);
  }
}
