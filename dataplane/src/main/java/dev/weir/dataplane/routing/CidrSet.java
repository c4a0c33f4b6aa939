package dev.weir.dataplane.routing;

import java.util.List;

/**
 * A set of CIDR blocks (RFC 4632; IPv6 prefixes per RFC 4291 §2.3), precompiled into 128-bit
 * network and mask pairs; IPv4 blocks are stored as IPv4-mapped IPv6 blocks (prefix + 96), so a
 * client's address matches them whichever family it came as. Matching parses the address text
 * without allocating and scans the blocks: the lists are short (a policy's allow or deny list).
 * Immutable.
 */
public final class CidrSet {

  // Per block: network high, network low, mask high, mask low.
  private final long[] blocks;
  private final List<String> source;

  private CidrSet(long[] blocks, List<String> source) {
    this.blocks = blocks;
    this.source = source;
  }

  /**
   * Compiles {@code cidrs}; an address without {@code /len} is a single host.
   *
   * @throws IllegalArgumentException naming the first invalid block
   */
  public static CidrSet of(List<String> cidrs) {
    long[] blocks = new long[cidrs.size() * 4];
    for (int n = 0; n < cidrs.size(); n++) {
      String cidr = cidrs.get(n).trim();
      int slash = cidr.indexOf('/');
      String address = slash < 0 ? cidr : cidr.substring(0, slash);
      boolean v4 = address.indexOf(':') < 0;
      int max = v4 ? 32 : 128;
      int length;
      try {
        length = slash < 0 ? max : Integer.parseInt(cidr.substring(slash + 1));
        if (length < 0 || length > max || address.indexOf('%') >= 0) {
          throw new IllegalArgumentException();
        }
        int bits = v4 ? length + 96 : length;
        long maskHigh = bits == 0 ? 0 : bits >= 64 ? -1L : -1L << (64 - bits);
        long maskLow = bits <= 64 ? 0 : bits == 128 ? -1L : -1L << (128 - bits);
        blocks[4 * n] = IpAddressBits.high(address) & maskHigh;
        blocks[4 * n + 1] = IpAddressBits.low(address) & maskLow;
        blocks[4 * n + 2] = maskHigh;
        blocks[4 * n + 3] = maskLow;
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid CIDR " + cidrs.get(n));
      }
    }
    return new CidrSet(blocks, List.copyOf(cidrs));
  }

  /** Whether the set has no blocks. */
  public boolean isEmpty() {
    return blocks.length == 0;
  }

  /**
   * Whether {@code address} (IPv4 or IPv6 text) lies in a block; text that is no address doesn't.
   */
  public boolean contains(CharSequence address) {
    if (blocks.length == 0) {
      return false;
    }
    long high;
    long low;
    try {
      high = IpAddressBits.high(address);
      low = IpAddressBits.low(address);
    } catch (IllegalArgumentException e) {
      return false;
    }
    for (int i = 0; i < blocks.length; i += 4) {
      if ((high & blocks[i + 2]) == blocks[i] && (low & blocks[i + 3]) == blocks[i + 1]) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return String.join(",", source);
  }
}
