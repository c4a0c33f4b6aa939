package dev.weir.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** CIDR matching for IPv4 and IPv6, and the allocation-free address parser under it. */
class CidrSetTest {

  @Test
  void ipv4BlocksMatchTheirAddressesOnly() {
    CidrSet set = CidrSet.of(List.of("10.0.0.0/8", "192.168.1.7"));
    assertThat(set.contains("10.255.1.2")).isTrue();
    assertThat(set.contains("11.0.0.1")).isFalse();
    assertThat(set.contains("192.168.1.7")).isTrue();
    assertThat(set.contains("192.168.1.8")).isFalse();
  }

  @Test
  void ipv6BlocksMatchCompressedAndFullText() {
    CidrSet set = CidrSet.of(List.of("2001:db8::/32", "::1/128"));
    assertThat(set.contains("2001:db8:0:0:0:0:0:1")).isTrue();
    assertThat(set.contains("2001:db8:ffff::")).isTrue();
    assertThat(set.contains("2001:db9::1")).isFalse();
    assertThat(set.contains("0:0:0:0:0:0:0:1")).isTrue();
    assertThat(set.contains("::2")).isFalse();
    assertThat(set.contains("fe80::1%eth0")).isFalse();
  }

  @Test
  void prefixesCrossingTheHalvesAreExact() {
    CidrSet set = CidrSet.of(List.of("2001:db8:1:2:8000::/65"));
    assertThat(set.contains("2001:db8:1:2:8000::5")).isTrue();
    assertThat(set.contains("2001:db8:1:2:7fff::5")).isFalse();
  }

  @Test
  void ipv4MappedAddressesMatchIpv4Blocks() {
    CidrSet set = CidrSet.of(List.of("203.0.113.0/24"));
    assertThat(set.contains("::ffff:203.0.113.9")).isTrue();
    assertThat(CidrSet.of(List.of("0.0.0.0/0")).contains("2001:db8::1")).isFalse();
  }

  @Test
  void textThatIsNoAddressMatchesNothing() {
    CidrSet set = CidrSet.of(List.of("0.0.0.0/0", "::/0"));
    assertThat(set.contains("unknown")).isFalse();
    assertThat(set.contains("1.2.3")).isFalse();
    assertThat(set.contains("1::2::3")).isFalse();
    assertThat(set.contains("1.2.3.4")).isTrue();
  }

  @Test
  void invalidBlocksAreRejected() {
    for (String bad : List.of("10.0.0.0/33", "::/129", "host.example", "1.2.3.4/-1", "1:2")) {
      assertThatThrownBy(() -> CidrSet.of(List.of(bad)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad);
    }
  }

  @Test
  void parserAgreesWithTheJdk() throws Exception {
    for (String text : List.of("2001:db8:85a3::8a2e:370:7334", "::", "1::", "::ffff:1.2.3.4")) {
      byte[] bytes = java.net.InetAddress.getByName(text).getAddress();
      byte[] full = new byte[16];
      if (bytes.length == 4) {
        full[10] = (byte) 0xff;
        full[11] = (byte) 0xff;
        System.arraycopy(bytes, 0, full, 12, 4);
      } else {
        full = bytes;
      }
      java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(full);
      assertThat(IpAddressBits.high(text)).as(text).isEqualTo(b.getLong());
      assertThat(IpAddressBits.low(text)).as(text).isEqualTo(b.getLong());
    }
  }
}
